/** What the login page says to a user whose account may not sign in (status other than `active`). */
export function inactiveAccountMessage(status: string): string {
  if (status === 'suspended') return 'This account is suspended. Contact your administrator.';
  if (status === 'archived') return 'This account is archived. Contact your administrator.';
  return 'This account cannot sign in.';
}
