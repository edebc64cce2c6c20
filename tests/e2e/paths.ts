// Files the suite shares between its global setup and the tests.

/** The browser state (session cookie) of the admin that global-setup signs in; every test starts
 * with it. Under target/, which git ignores. */
export const ADMIN_STATE = 'target/e2e/admin-state.json';

/** The header the server requires on changes made with the session cookie (CSRF rule). */
export const API_HEADERS = { 'X-Requested-With': 'e2e' };
