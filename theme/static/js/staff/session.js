// The signed-in person: the access token lives in this tab's memory only; the refresh token is
// an HttpOnly cookie the script never sees. Tabs share new access tokens and sign-outs over a
// BroadcastChannel, and refresh one at a time (Web Locks), since each refresh rotates the pair.
import { api, config, useTokens } from "./core.js";

const channel = "BroadcastChannel" in window ? new BroadcastChannel("kwai-staff") : null;
const CHECK_MS = 15_000;  // how often an open tab asks whether its login still holds
// The login page leaves this mark (no secret: the cookie is the credential), so that a page
// opened without a login goes to the sign-in page without a refused call first.
const MARK = "kwai.session";
const marked = () => { try { return localStorage.getItem(MARK) === "1"; } catch (e) { return true; } };
const unmark = () => { try { localStorage.removeItem(MARK); } catch (e) { /* storage off */ } };
let access = null;
let expires = 0;
let timer = null;
let leaving = false;

function adopt(token, expiration) {
  access = token;
  expires = expiration ? Date.parse(expiration.replace(" ", "T") + "Z") : Date.now() + 300_000;
  clearTimeout(timer);
  // refresh a minute before the token runs out, silently
  timer = setTimeout(() => refresh(access), Math.max(expires - Date.now() - 60_000, 5_000));
}

async function exchange() {
  const response = await fetch(`${config.api}/auth/access_token`, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "",
  });
  if (!response.ok) return response.status === 401 || response.status === 422 ? false : null;
  const body = await response.json();
  adopt(body.access_token, body.expiration);
  if (channel) channel.postMessage({ type: "token", token: body.access_token, expiration: body.expiration });
  return true;
}

/** Get a fresh access token with the cookie; false when the login is gone, null when unsure. */
async function refresh(failed) {
  const work = async () => {
    if (access && access !== failed) return true;  // another tab refreshed meanwhile
    try { return await exchange(); } catch (error) { return null; }
  };
  return navigator.locks ? navigator.locks.request("kwai-refresh", work) : work();
}

/** Go to the sign-in page, and come back here afterwards. */
export function toLogin(tell = true) {
  if (leaving) return;
  leaving = true;
  unmark();
  if (tell && channel) channel.postMessage({ type: "signed-out" });
  const here = window.location.pathname + window.location.search;
  window.location.assign(`${config.login}?next=${encodeURIComponent(here)}`);
}

useTokens({
  token: async () => access,
  refresh: async (failed) => (await refresh(failed)) === true,
  lost: () => toLogin(),
});

if (channel) {
  channel.onmessage = (event) => {
    if (event.data.type === "token") adopt(event.data.token, event.data.expiration);
    if (event.data.type === "signed-out") toLogin(false);
  };
}

/** Start the session: the current user, or off to the sign-in page (null). */
export async function start() {
  if (!marked()) { toLogin(false); return null; }
  const got = await refresh(null);
  if (got === false) { toLogin(false); return null; }
  if (got === null) throw new Error("offline");
  const user = (await api("GET", "/auth/user")).data;
  const check = () => { if (!document.hidden) api("GET", "/auth/user").catch(() => {}); };
  setInterval(check, CHECK_MS);
  document.addEventListener("visibilitychange", check);
  return user;
}

/** Sign out here and in every other tab. */
export async function signOut() {
  try { await api("POST", "/auth/logout", { form: {}, retry: false }); } catch (error) { /* gone already */ }
  access = null;
  toLogin();
}
