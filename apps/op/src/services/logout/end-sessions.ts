import type { ClientRecord, ClientRepository } from '../../repositories/client-repository.js';
import type { EndedSession, LogoutRepository, NewLogoutDelivery, SessionSelection } from '../../repositories/logout-repository.js';
import { PERSONAL_TENANT } from '../commands/fan-out-user-command.js';

export interface EndSessionsOptions {
  logout: Pick<LogoutRepository, 'endSessions'>;
  clients: Pick<ClientRepository, 'findById'>;
  now: Date;
  /** Called when logout deliveries entered the outbox: wakes the delivery worker. */
  onEnqueued?: () => void;
}

export interface EndedSessionWithClients extends EndedSession {
  /** The clients that took part and still exist (for front-channel iframes). */
  clients: ClientRecord[];
}

export interface EndSessionsResult {
  ended: EndedSessionWithClients[];
  /** Outbox rows (kind `backchannel_logout`), one per ended session and client with a `backchannel_logout_uri`. */
  deliveryIds: string[];
}

/**
 * Ends OP sessions and tells every client that took part: in one transaction the sessions,
 * their factors and participation go, the access and refresh tokens bound to them are revoked
 * (offline_access ones are not bound to a session and survive), and one Back-Channel Logout
 * delivery per (session, client with a `backchannel_logout_uri`) enters the outbox, with the
 * user's id as `sub` and the session id as `sid`. The initiating client is notified too
 * (RP-Initiated Logout §2). Used by end_session, the admin "sign out everywhere", user deletion,
 * the expiry sweep and a sign-in that replaces another user's session.
 *
 * @example
 * const { ended } = await endSessions({ sessionId: session.id }, { logout: repos.logout, clients: repos.clients, now });
 */
export async function endSessions(selection: SessionSelection, options: EndSessionsOptions): Promise<EndSessionsResult> {
  const known = new Map<string, ClientRecord | null>();
  const client = async (id: string) => {
    if (!known.has(id)) known.set(id, await options.clients.findById(id));
    return known.get(id) ?? null;
  };
  const plan = async (ended: EndedSession[]): Promise<NewLogoutDelivery[]> => {
    const deliveries: NewLogoutDelivery[] = [];
    for (const session of ended) {
      for (const clientId of session.clientIds) {
        if ((await client(clientId))?.metadata.backchannel_logout_uri === undefined) continue;
        deliveries.push({ clientId, tenant: session.organizationId ?? PERSONAL_TENANT, sub: session.userId, sid: session.sessionId });
      }
    }
    return deliveries;
  };
  const { ended, deliveryIds } = await options.logout.endSessions(selection, options.now, plan);
  if (deliveryIds.length > 0) options.onEnqueued?.();
  const withClients: EndedSessionWithClients[] = [];
  for (const session of ended) {
    const clients: ClientRecord[] = [];
    for (const id of session.clientIds) {
      const record = await client(id);
      if (record) clients.push(record);
    }
    withClients.push({ ...session, clients });
  }
  return { ended: withClients, deliveryIds };
}
