// The workspace page: sign in through the session, show the person and the menu they may use,
// then the page's view.
import { render } from "../../vendor/preact-11.2.0/preact.module.js";
import { config, t } from "./core.js";
import { signOut, start } from "./session.js";
import { html } from "./ui.js";

const VIEWS = {
  trainings: () => import("./trainings.js"),
  news: () => import("./content.js"),
  pages: () => import("./content.js"),
  club: () => import("./club.js"),
  photos: () => import("./images.js"),
  people: () => import("./people.js"),
  site: () => import("./site.js"),
  account: () => import("./account.js"),
};

function Bar({ user }) {
  const a = user.attributes;
  return html`<div class="staff-bar">
    <p class="meta">${t("signed_in_as")} <strong>${[a.first_name, a.last_name].filter(Boolean).join(" ") || a.email}</strong></p>
    <button class="button button-quiet" type="button" onClick=${signOut}>${t("sign_out")}</button>
  </div>`;
}

async function main() {
  const root = document.getElementById("staff-app");
  let user;
  try {
    user = await start();
  } catch (error) {
    root.textContent = "";
    render(html`<div class="notice is-error" role="alert">${t("offline_start")}</div>`, root);
    return;
  }
  if (!user) return;
  const admin = !!user.attributes.admin;
  if (admin) document.querySelectorAll("[data-admin]").forEach((item) => { item.hidden = false; });
  const { View } = await VIEWS[config.view]();
  root.textContent = "";
  render(html`<${Bar} user=${user} /><${View} user=${user} admin=${admin} kind=${config.view} />`, root);
}

main();
