// The club's sections (applications with their texts), coaches and teams.
import { useEffect, useState } from "../../vendor/preact-11.2.0/hooks.module.js";
import { addDays, all, api, config, showDay, t } from "./core.js";
import { languageName } from "./texts.js";
import { ImageField } from "./images.js";
import { Actions, ErrorText, Failure, Field, Saved, html, useCall, useFocus } from "./ui.js";


export function View({ admin }) {
  const [data, setData] = useState(null);
  const [editing, setEditing] = useState(null);  // {kind, item}
  const [savedAt, setSavedAt] = useState(null);
  const [run, busy, error] = useCall();
  const load = () => run(async () => {
    const [applications, definitions, coaches, teams] = await Promise.all([
      all("/portal/applications"), all("/training_definitions"), all("/trainings/coaches"), all("/trainings/teams")]);
    setData({ applications: applications.data, definitions: definitions.data, coaches: coaches.data, teams: teams.data });
  });
  useEffect(() => { load(); }, []);
  const done = (changed) => { setEditing(null); if (changed) { setSavedAt(new Date()); load(); } };
  if (editing) {
    const Form = { applications: ApplicationForm, definitions: DefinitionForm, coaches: CoachForm, teams: TeamForm }[editing.kind];
    return html`<${Form} item=${editing.item} done=${done} refs=${data} />`;
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
    ${section("definitions", (i) => i.attributes.name, (i) => [dayName(i.attributes.weekday),
      `${i.attributes.start_time.slice(0, 5)}–${i.attributes.end_time.slice(0, 5)}`,
      i.attributes.active ? "" : t("inactive")].filter(Boolean).join(" · "))}
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

/** The name of ISO weekday `n` (1 = Monday) in the page's language. */
const dayName = (n) => showDay(addDays("2024-01-01", n - 1), { weekday: "long" });  // a Monday

// A weekly training: the slot its trainings are made from, in the Trainings view, two taps each.
function DefinitionForm({ item, done, refs }) {
  const a = item ? item.attributes : { name: "", description: "", weekday: 1, start_time: "19:00",
    end_time: "20:30", location: "", active: true, remark: "", coaches: [] };
  const [form, set] = useForm({ name: a.name, description: a.description || "", weekday: String(a.weekday),
    start: a.start_time.slice(0, 5), end: a.end_time.slice(0, 5), location: a.location || "", active: a.active,
    remark: a.remark || "", team: item?.relationships?.team?.data?.id || "",
    coaches: Object.fromEntries(a.coaches.map((c) => [c.id, { head: c.head }])), future: true });
  const [run, busy, error, fields] = useCall();
  const setCoach = (id, on, head = false) => {
    const coaches = { ...form.coaches };
    if (on) coaches[id] = { head }; else delete coaches[id];
    set("coaches")(coaches);
  };
  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      const attributes = { name: form.name, description: form.description, weekday: Number(form.weekday),
        start_time: form.start, end_time: form.end, location: form.location, active: form.active,
        remark: form.remark, coaches: Object.entries(form.coaches).map(([id, c]) => ({ id, head: c.head })) };
      const data = { type: "training_definitions", attributes,
        relationships: { team: { data: form.team ? { type: "teams", id: form.team } : null } } };
      if (item) {
        data.id = item.id;
        await api("PATCH", `/training_definitions/${item.id}${form.future ? "?apply=future" : ""}`, { json: { data } });
      } else {
        await api("POST", "/training_definitions", { json: { data } });
      }
      done(true);
    });
  };
  const remove = () => run(async () => {
    if (!window.confirm(t("confirm_delete"))) return;
    await api("DELETE", `/training_definitions/${item.id}`);
    done(true);
  });
  const coachError = fields[Object.keys(fields).find((f) => f.startsWith("coaches"))];
  return html`<form class="editor" onSubmit=${submit} novalidate aria-labelledby="definition-title">
    <h2 tabindex="-1" ref=${useFocus()} id="definition-title">${item ? a.name : t("new_definitions")}</h2>
    <p class="meta">${t("definition_hint")}</p>
    <${Failure} error=${error} />
    <${Field} label=${t("name")} name="name" value=${form.name} onInput=${set("name")} error=${fields.name} required />
    <div class="grid-3">
      <${Field} as="select" label=${t("weekday")} name="weekday" value=${form.weekday} onInput=${set("weekday")}
        options=${[1, 2, 3, 4, 5, 6, 7].map((n) => [String(n), dayName(n)])} error=${fields.weekday} />
      <${Field} label=${t("start_time")} name="start" type="time" value=${form.start} onInput=${set("start")} error=${fields.start_time} required />
      <${Field} label=${t("end_time")} name="end" type="time" value=${form.end} onInput=${set("end")} error=${fields.end_time} required />
    </div>
    <${Field} label=${t("location")} name="location" value=${form.location} onInput=${set("location")} error=${fields.location} />
    <${Field} as="select" label=${t("team")} name="team" value=${form.team} onInput=${set("team")} error=${fields.team}
      options=${[["", t("no_team")], ...refs.teams.map((team) => [team.id, team.attributes.name])]} />
    <fieldset class="choices coaches"><legend>${t("coaches")}</legend>
      ${refs.coaches.filter((c) => c.attributes.active || form.coaches[c.id]).map((coach) => {
        const on = form.coaches[coach.id];
        return html`<div class="coach">
          <${Field} type="checkbox" name=${`coach-${coach.id}`} label=${coach.attributes.name} value=${!!on}
            onInput=${(v) => setCoach(coach.id, v)} />
          ${on && html`<div class="coach-flags"><${Field} type="checkbox" name=${`coach-${coach.id}-head`} label=${t("head")}
            value=${on.head} aria-label=${`${coach.attributes.name}: ${t("head")}`} onInput=${(v) => setCoach(coach.id, true, v)} /></div>`}
        </div>`;
      })}
      ${refs.coaches.length === 0 && html`<p class="meta">${t("no_coaches_yet")}</p>`}
      <${ErrorText} error=${coachError} />
    </fieldset>
    <${Field} as="textarea" label=${t("description")} name="description" value=${form.description}
      onInput=${set("description")} error=${fields.description} />
    <${Field} type="checkbox" label=${t("active")} name="active" value=${form.active} onInput=${set("active")} />
    <${Field} as="textarea" label=${t("remark")} hint=${t("remark_hint")} name="remark" value=${form.remark}
      onInput=${set("remark")} error=${fields.remark} />
    ${item && html`<${Field} type="checkbox" label=${t("apply_future")} name="future" value=${form.future} onInput=${set("future")} />`}
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
