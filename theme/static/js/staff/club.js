// The club's sections (applications with their texts), coaches and teams.
import { useEffect, useState } from "../../vendor/preact-11.2.0/hooks.module.js";
import { all, api, config, t } from "./core.js";
import { languageName } from "./texts.js";
import { ImageField } from "./images.js";
import { Actions, Failure, Field, Saved, html, useCall, useFocus } from "./ui.js";


export function View({ admin }) {
  const [data, setData] = useState(null);
  const [editing, setEditing] = useState(null);  // {kind, item}
  const [savedAt, setSavedAt] = useState(null);
  const [run, busy, error] = useCall();
  const load = () => run(async () => {
    const [applications, coaches, teams] = await Promise.all([
      all("/portal/applications"), all("/trainings/coaches"), all("/trainings/teams")]);
    setData({ applications: applications.data, coaches: coaches.data, teams: teams.data });
  });
  useEffect(() => { load(); }, []);
  const done = (changed) => { setEditing(null); if (changed) { setSavedAt(new Date()); load(); } };
  if (editing) {
    const Form = { applications: ApplicationForm, coaches: CoachForm, teams: TeamForm }[editing.kind];
    return html`<${Form} item=${editing.item} done=${done} />`;
  }
  const section = (kind, name, describe) => html`<section aria-labelledby=${`${kind}-title`}>
    <h2 id=${`${kind}-title`}>${t(kind)}</h2>
    ${kind !== "applications" || admin ? html`<${Actions}><button class="button button-quiet" type="button"
      onClick=${() => setEditing({ kind, item: null })}>${t(`new_${kind}`)}</button><//>` : null}
    <ul class="cards compact">${(data ? data[kind] : []).map((item) => html`<li class="card">
      <h3>${name(item)}</h3><p class="meta">${describe(item)}</p>
      <${Actions}><button class="button button-quiet" type="button" aria-label=${`${t("edit")}: ${name(item)}`}
        onClick=${() => setEditing({ kind, item })}>${t("edit")}</button><//>
    </li>`)}</ul>
  </section>`;
  return html`<${Saved} at=${savedAt} /><${Failure} error=${error} />
    ${!data && busy && html`<p class="meta">${t("loading")}</p>`}
    ${section("applications", (i) => i.attributes.title, (i) => i.attributes.short_description)}
    ${section("coaches", (i) => i.attributes.name, (i) => (i.attributes.active ? t("active") : t("inactive")))}
    ${section("teams", (i) => i.attributes.name, (i) => i.attributes.remark || "")}`;
}

function useForm(initial) {
  const [form, setForm] = useState(initial);
  return [form, (name) => (value) => setForm((old) => ({ ...old, [name]: value })), setForm];
}

function save(run, path, type, item, attributes, done, relationships) {
  return run(async () => {
    const data = { type, attributes, ...(relationships ? { relationships } : {}) };
    if (item) data.id = item.id;
    await api(item ? "PATCH" : "POST", item ? `${path}/${item.id}` : path, { json: { data } });
    done(true);
  });
}

function ApplicationForm({ item, done }) {
  const a = item ? item.attributes : { name: "", news: true, pages: true, events: false, weight: 0, remark: "" };
  // texts per language like a story's: title, summary (the short description), content
  const texts = {};
  for (const lang of config.languages) {
    const own = (a.texts || []).find((text) => text.locale === lang);
    const flat = lang === config.languages[0] ? a : {};
    texts[lang] = {
      title: own ? own.title : flat.title || "",
      short_description: own ? own.summary || "" : flat.short_description || "",
      description: own ? own.content || "" : flat.description || "",
    };
  }
  const [form, set, setForm] = useForm({ name: a.name, weight: String(a.weight ?? 0), remark: a.remark || "",
    news: !!a.news, pages: !!a.pages, events: !!a.events, texts,
    image: item?.relationships?.image?.data?.id || null });
  const [run, busy, error, fields] = useCall();
  const setText = (lang, name) => (value) => setForm((old) => ({ ...old, texts: { ...old.texts, [lang]: { ...old.texts[lang], [name]: value } } }));
  const submit = (event) => {
    event.preventDefault();
    const first = form.texts[config.languages[0]];
    const attributes = { ...first, weight: Number(form.weight) || 0, remark: form.remark, news: form.news,
      pages: form.pages, events: form.events,
      texts: config.languages.filter((lang) => form.texts[lang].title.trim()).map((lang) => ({
        locale: lang, format: "md", title: form.texts[lang].title,
        summary: form.texts[lang].short_description, content: form.texts[lang].description })) };
    if (!item) attributes.name = form.name;
    const image = { data: form.image ? { type: "images", id: form.image } : null };
    save(run, "/portal/applications", "applications", item, attributes, done, { image });
  };
  return html`<form class="editor" onSubmit=${submit} novalidate aria-labelledby="app-title">
    <h2 tabindex="-1" ref=${useFocus()} id="app-title">${item ? a.title : t("new_applications")}</h2>
    <${Failure} error=${error} />
    ${!item && html`<${Field} label=${t("slug")} name="name" value=${form.name} onInput=${set("name")} error=${fields.name} />`}
    <div class="languages">${config.languages.map((lang) => html`<fieldset lang=${lang}><legend>${languageName(lang)}</legend>
      <${Field} label=${t("title")} name=${`title-${lang}`} value=${form.texts[lang].title} onInput=${setText(lang, "title")} error=${fields.title} />
      <${Field} label=${t("summary")} name=${`short-${lang}`} value=${form.texts[lang].short_description} onInput=${setText(lang, "short_description")} error=${fields.short_description} />
      <${Field} as="textarea" label=${t("description")} name=${`description-${lang}`} value=${form.texts[lang].description} onInput=${setText(lang, "description")} error=${fields.description} />
    </fieldset>`)}</div>
    <fieldset class="choices"><legend>${t("holds")}</legend>
      ${["news", "pages", "events"].map((flag) => html`<${Field} type="checkbox" name=${flag} label=${t(`holds_${flag}`)} value=${form[flag]} onInput=${set(flag)} />`)}
    </fieldset>
    <${ImageField} name="hero" label=${t("hero_image")} value=${form.image} onChange=${set("image")} error=${fields.image} />
    <${Field} label=${t("weight")} type="number" name="weight" value=${form.weight} onInput=${set("weight")} error=${fields.weight} />
    <${Field} as="textarea" label=${t("remark")} name="remark" value=${form.remark} onInput=${set("remark")} error=${fields.remark} />
    <${Actions}><button class="button" type="submit" disabled=${busy}>${t("save")}</button>
      <button class="button button-quiet" type="button" onClick=${() => done(false)}>${t("back")}</button><//>
  </form>`;
}

function CoachForm({ item, done }) {
  const a = item ? item.attributes : { name: "", active: true, remark: "", bio: "" };
  const bios = {};
  for (const lang of config.languages) {
    const own = (a.texts || []).find((text) => text.locale === lang);
    bios[lang] = own ? own.bio || "" : lang === config.languages[0] ? a.bio || "" : "";
  }
  const [form, set] = useForm({ name: a.name, active: a.active, remark: a.remark || "", bios,
    photo: item?.relationships?.photo?.data?.id || null });
  const [run, busy, error, fields] = useCall();
  const send = () => save(run, "/trainings/coaches", "coaches", item, {
    name: form.name, active: form.active, remark: form.remark, bio: form.bios[config.languages[0]],
    texts: config.languages.map((lang) => ({ locale: lang, bio: form.bios[lang] })),
  }, done, { photo: { data: form.photo ? { type: "images", id: form.photo } : null } });
  const remove = () => run(async () => { await api("DELETE", `/trainings/coaches/${item.id}`); done(true); });
  return html`<form class="editor" novalidate aria-labelledby="coach-title"
      onSubmit=${(e) => { e.preventDefault(); send(); }}>
    <h2 tabindex="-1" ref=${useFocus()} id="coach-title">${item ? a.name : t("new_coaches")}</h2>
    <${Failure} error=${error} />
    <${Field} label=${t("name")} name="name" value=${form.name} onInput=${set("name")} error=${fields.name} />
    <${Field} type="checkbox" label=${t("active")} name="active" value=${form.active} onInput=${set("active")} />
    <div class="languages">${config.languages.map((lang) => html`<${Field} as="textarea" lang=${lang}
      label=${`${t("bio")} (${languageName(lang)})`} name=${`bio-${lang}`} value=${form.bios[lang]}
      onInput=${(v) => set("bios")({ ...form.bios, [lang]: v })} error=${fields.bio || fields.texts} />`)}</div>
    <${ImageField} name="photo" label=${t("photo")} hint=${t("photo_hint")} decorative value=${form.photo}
      onChange=${set("photo")} error=${fields.photo} />
    <${Field} as="textarea" label=${t("remark")} name="remark" value=${form.remark} onInput=${set("remark")} error=${fields.remark} />
    <${Actions}><button class="button" type="submit" disabled=${busy}>${t("save")}</button>
      <button class="button button-quiet" type="button" onClick=${() => done(false)}>${t("back")}</button>
      ${item && html`<button class="button button-quiet danger" type="button" onClick=${remove}>${t("delete")}</button>`}<//>
  </form>`;
}

function TeamForm({ item, done }) {
  const a = item ? item.attributes : { name: "", remark: "" };
  const [form, set] = useForm({ name: a.name, remark: a.remark || "" });
  const [run, busy, error, fields] = useCall();
  const remove = () => run(async () => { await api("DELETE", `/trainings/teams/${item.id}`); done(true); });
  return html`<form class="editor" novalidate aria-labelledby="team-title"
      onSubmit=${(e) => { e.preventDefault(); save(run, "/trainings/teams", "teams", item, form, done); }}>
    <h2 tabindex="-1" ref=${useFocus()} id="team-title">${item ? a.name : t("new_teams")}</h2>
    <${Failure} error=${error} />
    <${Field} label=${t("name")} name="name" value=${form.name} onInput=${set("name")} error=${fields.name} />
    <${Field} as="textarea" label=${t("remark")} name="remark" value=${form.remark} onInput=${set("remark")} error=${fields.remark} />
    <${Actions}><button class="button" type="submit" disabled=${busy}>${t("save")}</button>
      <button class="button button-quiet" type="button" onClick=${() => done(false)}>${t("back")}</button>
      ${item && html`<button class="button button-quiet danger" type="button" onClick=${remove}>${t("delete")}</button>`}<//>
  </form>`;
}
