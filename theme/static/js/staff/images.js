// Photos in the workspace: uploaded with a description of what they show in each language (the
// site gives it to visitors who cannot see the photo, and to search engines), chosen for a
// section, a story, a page or a coach, described again later, and deleted from the Photos view
// once nothing shows them. A description belongs to the photo, wherever it is shown: it is saved
// as its field is left, not with the form around it.
import { useEffect, useState } from "../../vendor/preact-11.2.0/hooks.module.js";
import { api, config, t } from "./core.js";
import { languageName } from "./texts.js";
import { Actions, ErrorText, Failure, Notice, html, uid, useCall } from "./ui.js";

const PAGE = 12;  // photos shown at once in the Photos view; more on request

/** What an image shows per site language, as its `texts` say (the flat `alt` is the default
 * language's). */
function altsOf(image) {
  const a = image ? image.attributes : {};
  const found = {};
  config.languages.forEach((lang, n) => {
    const own = (a.texts || []).find((text) => text.locale === lang);
    found[lang] = own ? own.alt : n === 0 ? a.alt || "" : "";
  });
  return found;
}

/** Change what an image shows in some languages ([{locale, alt}]); the images resource. */
async function describeImage(id, texts) {
  const data = { type: "images", id, attributes: { texts } };
  return (await api("PATCH", `/images/${id}`, { json: { data } })).data;
}

/** Upload a photo with what it shows per language ({lang: words}); the images resource. */
export async function uploadImage(file, alts = {}) {
  const [first, ...others] = config.languages;
  const form = new FormData();
  form.append("file", file);
  form.append("alt", (alts[first] || "").trim());
  const made = (await api("POST", "/images", { form })).data;
  const more = others.filter((lang) => (alts[lang] || "").trim())
    .map((lang) => ({ locale: lang, alt: alts[lang].trim() }));
  return more.length ? describeImage(made.id, more) : made;
}

/** A local URL of an image to show in a form: its smallest size, fetched through the API (the
 * site has an image only once something published shows it). Given up when no longer shown. */
function usePreview() {
  const [url, setUrl] = useState("");
  useEffect(() => () => url && URL.revokeObjectURL(url), [url]);
  const show = async (id) => {
    setUrl(id ? URL.createObjectURL(await api("GET", `/images/${id}/content`, { blob: true })) : "");
  };
  return [url, show];
}

/** The words per language of `image` as typed, and how they are saved as a field is left. */
function useDescriptions(name, run) {
  const [ids] = useState(() => Object.fromEntries(
    ["hint", ...config.languages].map((key) => [key, uid(`${name}-alt-${key}`)])));
  const [image, setImage] = useState(null);  // the images resource being described
  const [alts, setAlts] = useState(() => altsOf(null));
  const [saved, setSaved] = useState(null);  // the language whose words were saved last
  const known = (found) => { setImage(found); setAlts(altsOf(found)); setSaved(null); };
  const type = (lang, value) => { setAlts((old) => ({ ...old, [lang]: value })); setSaved(null); };
  const leave = (lang) => {
    const words = alts[lang].trim();
    if (!image || words === altsOf(image)[lang]) return;
    run(async () => {
      setImage(await describeImage(image.id, [{ locale: lang, alt: words }]));
      setSaved(lang);
    });
  };
  return { ids, image, alts, saved, known, type, leave };
}

/** The inputs of what a photo shows, one per language. */
function Descriptions({ words }) {
  const { ids, alts, saved, type, leave } = words;
  const several = config.languages.length > 1;
  return html`<p class="hint" id=${ids.hint}>${t("image_alt_hint")}</p>
    <div class="languages">${config.languages.map((lang) => html`<div class="field">
      <label for=${ids[lang]}>${t("image_alt")}${several ? ` (${languageName(lang)})` : ""}</label>
      <input id=${ids[lang]} type="text" lang=${lang} value=${alts[lang]} maxlength="500"
        aria-describedby=${`${ids.hint} ${ids[lang]}-saved`}
        onInput=${(e) => type(lang, e.target.value)} onChange=${() => leave(lang)} />
      <p class="hint" id=${`${ids[lang]}-saved`} aria-live="polite">${saved === lang ? t("image_alt_saved") : ""}</p>
    </div>`)}</div>`;
}

/** A photo chosen for something (`value` is its id, or null): a thumbnail, what it shows in each
 * language, another file or none. `decorative` photos (a coach's portrait beside the name) need
 * no description. */
export function ImageField({ name, label, hint, value, onChange, error, decorative = false }) {
  const [fileId] = useState(() => uid(name));
  const [chosen, setChosen] = useState(null);  // the name of the file just uploaded
  const [preview, showPreview] = usePreview();
  const [run, busy, failure] = useCall();
  const words = useDescriptions(name, run);
  useEffect(() => {
    if (!value) { words.known(null); showPreview(null); return; }
    if (words.image && words.image.id === String(value)) return;
    run(async () => {
      words.known((await api("GET", `/images/${value}`)).data);
      await showPreview(value);
    });
  }, [value]);
  const pick = (event) => {
    const file = event.target.files[0];
    event.target.value = "";
    if (!file) return;
    run(async () => {
      const made = await uploadImage(file, words.alts);  // with the words typed before
      words.known(made);
      setChosen(file.name);
      onChange(made.id);
      await showPreview(made.id);  // the stored size: a phone's HEIC photo as the site shows it
    });
  };
  const remove = () => { words.known(null); setChosen(null); onChange(null); };
  return html`<fieldset class="image-field"><legend>${label}</legend>
    ${preview && html`<img class="image-thumb" src=${preview} alt="" />`}
    ${value && html`<p class="meta">${chosen ? t("image_chosen", { name: chosen }) : t("image_kept")}</p>`}
    <div class="field">
      <label for=${fileId}>${value ? t("image_other") : t("image_pick")}</label>
      ${hint && html`<p class="hint" id=${`${fileId}-hint`}>${hint}</p>`}
      <input id=${fileId} name=${name} type="file" accept="image/*" onChange=${pick} disabled=${busy}
        aria-describedby=${`${hint ? `${fileId}-hint ` : ""}${fileId}-error`} aria-invalid=${error ? "true" : undefined} />
      <${ErrorText} id=${`${fileId}-error`} error=${error} />
    </div>
    ${!decorative && html`<${Descriptions} words=${words} />`}
    ${value && html`<button class="button button-quiet" type="button" onClick=${remove}>${t("image_remove")}</button>`}
    ${busy && html`<p class="meta" role="status">${t("loading")}</p>`}
    <${Failure} error=${failure} />
  </fieldset>`;
}

// --- the Photos view ---------------------------------------------------------------------------

/** Every uploaded photo, newest first: what each shows, the line that puts it in a text, and
 * delete (refused while something shows it). A new photo can be uploaded here for a text. */
export function View() {
  const [photos, setPhotos] = useState(null);  // {data, count}
  const [limit, setLimit] = useState(PAGE);
  const [fresh, setFresh] = useState(0);  // a new upload field after each upload
  const [deleted, setDeleted] = useState(false);
  const [run, busy, error] = useCall();
  const load = (shown = limit) => run(async () => {
    const answer = await api("GET", `/images?page[limit]=${shown}`);
    setPhotos({ data: answer.data, count: answer.meta.count });
  });
  useEffect(() => { load(); }, []);
  const more = () => { setLimit(limit + PAGE); load(limit + PAGE); };
  const gone = (id) => {
    setDeleted(true);
    setPhotos((old) => ({ data: old.data.filter((photo) => photo.id !== id), count: old.count - 1 }));
  };
  return html`<${Failure} error=${error} />
    ${deleted && html`<${Notice} kind="success">${t("photo_deleted")}<//>`}
    <p>${t("photos_intro")}</p>
    <${ImageField} key=${fresh} name="new-photo" label=${t("photo_new")} value=${null}
      onChange=${(id) => { if (id) { setDeleted(false); setFresh(fresh + 1); load(); } }} />
    <section aria-labelledby="photos-title">
      <h2 id="photos-title">${t("view_photos")}</h2>
      ${photos && html`<p class="meta" role="status">${t("photos_count", { count: photos.count })}</p>`}
      ${!photos && busy && html`<p class="meta">${t("loading")}</p>`}
      <ul class="cards photos">${(photos ? photos.data : []).map((photo) => html`<${PhotoCard}
        key=${photo.id} photo=${photo} gone=${gone} />`)}</ul>
      ${photos && photos.count > photos.data.length && html`<${Actions}><button class="button button-quiet"
        type="button" disabled=${busy} onClick=${more}>${t("show_more")}</button><//>`}
    </section>`;
}

function PhotoCard({ photo, gone }) {
  const [preview, showPreview] = usePreview();
  const [run, busy, failure] = useCall();
  const words = useDescriptions(`photo-${photo.id}`, run);
  useEffect(() => { words.known(photo); run(() => showPreview(photo.id)); }, [photo.id]);
  const a = (words.image || photo).attributes;
  const title = altsOf(words.image || photo)[config.lang] || altsOf(photo)[config.languages[0]] || t("photo_untitled");
  const remove = () => run(async () => {
    if (!window.confirm(t("confirm_delete"))) return;
    await api("DELETE", `/images/${photo.id}`);
    gone(photo.id);
  });
  return html`<li class="card photo-card">
    ${preview && html`<img class="image-thumb" src=${preview} alt="" />`}
    <h3>${title}</h3>
    <p class="meta">${t("photo_size", { width: a.width, height: a.height })}</p>
    <${Descriptions} words=${words} />
    <p class="meta">${t("photo_markdown")} <code>![${altsOf(words.image || photo)[config.languages[0]]}](image:${photo.id})</code></p>
    <${Failure} error=${failure} />
    <${Actions}><button class="button button-quiet danger" type="button" disabled=${busy}
      aria-label=${`${t("delete")}: ${title}`} onClick=${remove}>${t("delete")}</button><//>
  </li>`;
}
