// Photos in the workspace: uploaded with a description of what they show (the site gives it to
// visitors who cannot see the photo, and to search engines), chosen for a section, a story, a
// page or a coach, and described again later. A description belongs to the photo, wherever it is
// shown: it is saved as its field is left, not with the form around it.
import { useEffect, useState } from "../../vendor/preact-11.2.0/hooks.module.js";
import { api, config, t } from "./core.js";
import { languageName } from "./texts.js";
import { ErrorText, Failure, html, uid, useCall } from "./ui.js";

/** Upload a photo with its description; the API's `images` resource. */
export async function uploadImage(file, alt) {
  const form = new FormData();
  form.append("file", file);
  form.append("alt", alt);
  return (await api("POST", "/images", { form })).data;
}

/** A local URL of the image to show in the form: its smallest size, fetched through the API
 * (the site has an image only once something published shows it). Given up when the form no
 * longer shows it. */
function usePreview() {
  const [url, setUrl] = useState("");
  useEffect(() => () => url && URL.revokeObjectURL(url), [url]);
  const show = (blob) => setUrl(blob ? URL.createObjectURL(blob) : "");
  return [url, show];
}

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

/** A photo chosen for something (`value` is its id, or null): a thumbnail, what it shows in each
 * language, another file or none. `decorative` photos (a coach's portrait beside the name) need
 * no description. */
export function ImageField({ name, label, hint, value, onChange, error, decorative = false }) {
  const [ids] = useState(() => ({
    file: uid(name), ...Object.fromEntries(config.languages.map((lang) => [lang, uid(`${name}-alt-${lang}`)])),
  }));
  const [image, setImage] = useState(null);  // the images resource of `value`
  const [alts, setAlts] = useState(() => altsOf(null));  // as typed, per language
  const [chosen, setChosen] = useState(null);  // the name of the file just uploaded
  const [saved, setSaved] = useState(null);  // the language whose words were saved last
  const [preview, showPreview] = usePreview();
  const [run, busy, failure] = useCall();
  const known = (found) => { setImage(found); setAlts(altsOf(found)); };
  const send = async (id, texts) => {
    const data = { type: "images", id, attributes: { texts } };
    return (await api("PATCH", `/images/${id}`, { json: { data } })).data;
  };
  useEffect(() => {
    if (!value) { setImage(null); showPreview(null); return; }
    if (image && image.id === String(value)) return;
    run(async () => {
      const [found, file] = await Promise.all([api("GET", `/images/${value}`),
        api("GET", `/images/${value}/content`, { blob: true })]);
      known(found.data);
      showPreview(file);
    });
  }, [value]);
  const pick = (event) => {
    const file = event.target.files[0];
    event.target.value = "";
    if (!file) return;
    run(async () => {
      const [first, ...others] = config.languages;
      let made = await uploadImage(file, alts[first].trim());
      // words typed before the file was chosen, in the other languages
      const more = others.filter((lang) => alts[lang].trim()).map((lang) => ({ locale: lang, alt: alts[lang].trim() }));
      if (more.length) made = await send(made.id, more);
      known(made);
      setChosen(file.name);
      setSaved(null);
      onChange(made.id);
      // the stored size, not the file: a phone's HEIC photo is shown as the site will show it
      showPreview(await api("GET", `/images/${made.id}/content`, { blob: true }));
    });
  };
  const describe = (lang) => {
    const words = alts[lang].trim();
    if (!image || words === altsOf(image)[lang]) return;
    run(async () => {
      setImage(await send(image.id, [{ locale: lang, alt: words }]));
      setSaved(lang);
    });
  };
  const remove = () => { setImage(null); setChosen(null); setAlts(altsOf(null)); onChange(null); };
  const several = config.languages.length > 1;
  return html`<fieldset class="image-field"><legend>${label}</legend>
    ${preview && html`<img class="image-thumb" src=${preview} alt="" />`}
    ${value && html`<p class="meta">${chosen ? t("image_chosen", { name: chosen }) : t("image_kept")}</p>`}
    <div class="field">
      <label for=${ids.file}>${value ? t("image_other") : t("image_pick")}</label>
      ${hint && html`<p class="hint" id=${`${ids.file}-hint`}>${hint}</p>`}
      <input id=${ids.file} name=${name} type="file" accept="image/*" onChange=${pick} disabled=${busy}
        aria-describedby=${`${hint ? `${ids.file}-hint ` : ""}${ids.file}-error`} aria-invalid=${error ? "true" : undefined} />
      <${ErrorText} id=${`${ids.file}-error`} error=${error} />
    </div>
    ${!decorative && html`<p class="hint" id=${`${ids.file}-alt-hint`}>${t("image_alt_hint")}</p>
    <div class="languages">${config.languages.map((lang) => html`<div class="field">
      <label for=${ids[lang]}>${t("image_alt")}${several ? ` (${languageName(lang)})` : ""}</label>
      <input id=${ids[lang]} type="text" lang=${lang} value=${alts[lang]} maxlength="500"
        aria-describedby=${`${ids.file}-alt-hint ${ids[lang]}-saved`}
        onInput=${(e) => { setAlts((old) => ({ ...old, [lang]: e.target.value })); setSaved(null); }}
        onChange=${() => describe(lang)} />
      <p class="hint" id=${`${ids[lang]}-saved`} aria-live="polite">${saved === lang ? t("image_alt_saved") : ""}</p>
    </div>`)}</div>`}
    ${value && html`<button class="button button-quiet" type="button" onClick=${remove}>${t("image_remove")}</button>`}
    ${busy && html`<p class="meta" role="status">${t("loading")}</p>`}
    <${Failure} error=${failure} />
  </fieldset>`;
}
