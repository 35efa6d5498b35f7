// What every view of the workspace shares: its configuration and words, calls to the JSON:API,
// and dates and times in the club's time zone (the API speaks naive UTC, "YYYY-MM-DD HH:MM:SS").
export const config = JSON.parse(document.getElementById("staff-config").textContent);
const words = config.words;
export const locale = config.locale || config.lang;  // the site's locale of this language

/** A word of the page's language, with {name} filled in. */
export function t(key, values) {
  const text = key in words ? words[key] : key;
  return values ? text.replace(/\{(\w+)\}/g, (whole, name) =>
    name in values ? String(values[name]) : whole) : text;
}

// --- calls ------------------------------------------------------------------------------------

let tokenSource = null;
/** Tell the API client where the access token comes from (the session). */
export function useTokens(source) { tokenSource = source; }

export class ApiError extends Error {
  constructor(status, body) {
    const errors = (body && body.errors) || [];
    super(errors.length ? errors[0].detail : (body && body.detail) || `HTTP ${status}`);
    this.status = status;  // 0: the server could not be reached
    this.errors = errors;
  }
}

/** One call to the API: the parsed body of a 2xx answer (with `blob`, the file), else an
 * ApiError. */
export async function api(method, path, { json, form, retry = true, raw = false, blob = false } = {}) {
  const headers = {};
  const token = tokenSource && await tokenSource.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  let body;
  if (json !== undefined) {
    body = JSON.stringify(json);
    headers["Content-Type"] = "application/vnd.api+json";
  } else if (form instanceof FormData) {
    body = form;
  } else if (form) {
    body = new URLSearchParams(form);
  }
  let response;
  try {
    response = await fetch(config.api + path, { method, headers, body, credentials: "same-origin" });
  } catch (error) {
    throw new ApiError(0, null);
  }
  if (response.status === 401 && retry && tokenSource) {
    if (await tokenSource.refresh(token)) return api(method, path, { json, form, raw, blob, retry: false });
    tokenSource.lost();
  }
  if (blob && response.ok) return response.blob();  // a file: an image to show
  const text = await response.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch (error) { parsed = null; }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return raw && parsed === null ? text : parsed;
}

/** Every resource of a list (a few pages at most in a club). */
export async function all(path) {
  const separator = path.includes("?") ? "&" : "?";
  return api("GET", `${path}${separator}page[limit]=500`);
}

/** The included resources of a document by "type:id". */
export function includedOf(document) {
  const found = {};
  for (const item of (document && document.included) || []) found[`${item.type}:${item.id}`] = item;
  return found;
}

/** A short sentence for a failed call, in the page's language (the API's own words follow). */
export function problem(error) {
  if (!(error instanceof ApiError)) return t("unexpected", { status: "?" });
  if (error.status === 0) return t("offline");
  if (error.status === 401) return t("signed_out");
  if (error.status === 403) return t("forbidden");
  if (error.status === 404 && error.message === "no such route") return t("not_available");
  if (error.status === 404) return t("not_found");
  if (error.status === 405) return t("not_available");
  if (error.status === 409) return t("conflict");
  if (error.status === 422 || error.status === 400) return t("invalid");
  if (error.status === 429) return t("throttled");
  return t("unexpected", { status: error.status });
}

/** The API's errors by the field their source.pointer names ("event/start_date"): {detail}. */
export function fieldErrors(error) {
  const found = {};
  for (const item of (error && error.errors) || []) {
    const pointer = item.source && item.source.pointer;
    if (!pointer) continue;
    const field = pointer.replace(/^\/data\/attributes\//, "").replace(/^\/data\/relationships\//, "")
      .replace(/^\//, "");
    found[field] = { detail: item.detail };
  }
  return found;
}

// --- time -------------------------------------------------------------------------------------

const zone = config.timezone;
const partsFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
  hour: "2-digit", minute: "2-digit", second: "2-digit",
});
const pad = (n) => String(n).padStart(2, "0");

/** A Date from the API's naive UTC timestamp (null stays null). */
export function fromWire(value) {
  return value ? new Date(value.replace(" ", "T") + "Z") : null;
}

/** The API's naive UTC timestamp of a Date. */
export function toWire(moment) {
  return moment.toISOString().slice(0, 19).replace("T", " ");
}

/** The club's wall clock at `moment`: {date: "YYYY-MM-DD", time: "HH:MM"}. */
export function clubParts(moment) {
  const p = {};
  for (const part of partsFormat.formatToParts(moment)) p[part.type] = part.value;
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

/** The moment the club's clock shows `day` ("YYYY-MM-DD") at `time` ("HH:MM" or "HH:MM:SS"). */
export function clubMoment(day, time = "00:00") {
  const [y, m, d] = day.split("-").map(Number);
  const [hh, mm, ss = 0] = time.split(":").map(Number);
  const wall = Date.UTC(y, m - 1, d, hh, mm, ss);
  let guess = wall;
  for (let i = 0; i < 2; i++) {
    const shown = clubParts(new Date(guess));
    const [sy, sm, sd] = shown.date.split("-").map(Number);
    const [sh, smin] = shown.time.split(":").map(Number);
    guess += wall - Date.UTC(sy, sm - 1, sd, sh, smin, ss);
  }
  return new Date(guess);
}

/** Today in the club ("YYYY-MM-DD"). */
export function clubToday() { return clubParts(new Date()).date; }

/** `day` moved by `days` days (calendar arithmetic, no time zone involved). */
export function addDays(day, days) {
  const [y, m, d] = day.split("-").map(Number);
  const moved = new Date(Date.UTC(y, m - 1, d + days));
  return `${moved.getUTCFullYear()}-${pad(moved.getUTCMonth() + 1)}-${pad(moved.getUTCDate())}`;
}

/** The ISO weekday of `day`: 1 = Monday ... 7 = Sunday. */
export function weekday(day) {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay() || 7;
}

/** The Monday of the week of `day`. */
export function monday(day) { return addDays(day, 1 - weekday(day)); }

/** A date and time for people, in the club's zone and the page's language. */
export function showMoment(moment, options = { dateStyle: "medium", timeStyle: "short" }) {
  return moment ? new Intl.DateTimeFormat(locale, { timeZone: zone, ...options }).format(moment) : "";
}

/** A club day ("YYYY-MM-DD") for people: "maandag 30 november". */
export function showDay(day, options = { weekday: "long", day: "numeric", month: "long" }) {
  const [y, m, d] = day.split("-").map(Number);
  return new Intl.DateTimeFormat(locale, { timeZone: "UTC", ...options })
    .format(new Date(Date.UTC(y, m - 1, d)));
}

// --- drafts -----------------------------------------------------------------------------------

/** Unsaved text kept on this device, so that a failed save or a closed tab loses nothing. */
export const drafts = {
  read(key) {
    try { return JSON.parse(localStorage.getItem(`kwai.draft.${key}`) || "null"); } catch (e) { return null; }
  },
  write(key, value) {
    try { localStorage.setItem(`kwai.draft.${key}`, JSON.stringify(value)); } catch (e) { /* full or off */ }
  },
  clear(key) {
    try { localStorage.removeItem(`kwai.draft.${key}`); } catch (e) { /* off */ }
  },
};
