export { Browser, csrfFrom, signInAtOp } from './browser.js';
export type { OpSignIn } from './browser.js';
