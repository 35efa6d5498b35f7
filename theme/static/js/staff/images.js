// Photos in the workspace: uploaded with a description of what they show (the site gives it to
// visitors who cannot see the photo, and to search engines), chosen for a section, a story, a
// page or a coach, and described again later. A description belongs to the photo, wherever it is
// shown: it is saved as its field is left, not with the form around it.
import { useEffect, useState } from "../../vendor/preact-11.2.0/hooks.module.js";
import { api, t } from "./core.js";
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

/** A photo chosen for something (`value` is its id, or null): a thumbnail, what it shows, another
 * file or none. `decorative` photos (a coach's portrait beside the name) need no description. */
export function ImageField({ name, label, hint, value, onChange, error, decorative = false }) {
  const [ids] = useState(() => ({ file: uid(name), alt: uid(`${name}-alt`) }));
  const [image, setImage] = useState(null);  // the images resource of `value`
  const [alt, setAlt] = useState("");
  const [chosen, setChosen] = useState(null);  // the name of the file just uploaded
  const [saved, setSaved] = useState(false);
  const [preview, showPreview] = usePreview();
  const [run, busy, failure] = useCall();
  useEffect(() => {
    if (!value) { setImage(null); showPreview(null); return; }
    if (image && image.id === String(value)) return;
    run(async () => {
      const [found, file] = await Promise.all([api("GET", `/images/${value}`),
        api("GET", `/images/${value}/content`, { blob: true })]);
      setImage(found.data);
      setAlt(found.data.attributes.alt || "");
      showPreview(file);
    });
  }, [value]);
  const pick = (event) => {
    const file = event.target.files[0];
    event.target.value = "";
    if (!file) return;
    run(async () => {
      const made = await uploadImage(file, alt.trim());
      setImage(made);
      // the stored size, not the file: a phone's HEIC photo is shown as the site will show it
      showPreview(await api("GET", `/images/${made.id}/content`, { blob: true }));
      setChosen(file.name);
      setSaved(false);
      onChange(made.id);
    });
  };
  const describe = () => {
    if (!image || alt.trim() === (image.attributes.alt || "")) return;
    run(async () => {
      const data = { type: "images", id: image.id, attributes: { alt: alt.trim() } };
      setImage((await api("PATCH", `/images/${image.id}`, { json: { data } })).data);
      setSaved(true);
    });
  };
  const remove = () => { setImage(null); setChosen(null); setAlt(""); onChange(null); };
  const altHint = `${ids.alt}-hint`;
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
    ${!decorative && html`<div class="field">
      <label for=${ids.alt}>${t("image_alt")}</label>
      <p class="hint" id=${altHint}>${saved ? t("image_alt_saved") : t("image_alt_hint")}</p>
      <input id=${ids.alt} type="text" value=${alt} maxlength="500" aria-describedby=${altHint}
        onInput=${(e) => { setAlt(e.target.value); setSaved(false); }} onChange=${describe} />
    </div>`}
    ${value && html`<button class="button button-quiet" type="button" onClick=${remove}>${t("image_remove")}</button>`}
    ${busy && html`<p class="meta" role="status">${t("loading")}</p>`}
    <${Failure} error=${failure} />
  </fieldset>`;
}
