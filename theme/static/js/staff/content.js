// News and pages: the list with its filters, and the editor with the languages side by side, a
// Markdown toolbar, image upload, a preview of the published page, and publishing.
import { useEffect, useRef, useState } from "../../vendor/preact-11.2.0/hooks.module.js";
import { all, api, clubMoment, clubParts, config, drafts, fromWire, showMoment, t, toWire } from "./core.js";
import { languageName, textsByLanguage, textsToSend, titleOf } from "./texts.js";
import { ImageField, uploadImage } from "./images.js";
import { Actions, ErrorText, Failure, Field, Notice, Saved, html, useCall, useFocus } from "./ui.js";

const KINDS = {
  news: { path: "/news_items", type: "news_items", field: "news" },
  pages: { path: "/pages", type: "pages", field: "pages" },
};

const PAGE = 20;  // stories or pages shown at once; more on request

/** The state of a story or page for people: draft, scheduled, live, ended. */
function stateOf(item, now = new Date()) {
  const a = item.attributes;
  if (!a.enabled) return "draft";
  const publish = fromWire(a.publish_date);
  if (publish && publish > now) return "scheduled";
  const end = fromWire(a.end_date);
  if (end && end <= now) return "ended";
  return "live";
}

export function View({ kind }) {
  const spec = KINDS[kind];
  const [items, setItems] = useState(null);
  const [apps, setApps] = useState([]);
  const [editing, setEditing] = useState(null);
  const [savedAt, setSavedAt] = useState(null);
  const [run, busy, error] = useCall();
  const load = () => run(async () => {
    const [list, applications] = await Promise.all([all(spec.path), all("/portal/applications")]);
    setItems(list);
    setApps(applications.data.filter((app) => app.attributes[spec.field]));
  });
  useEffect(() => { load(); }, []);
  const done = (changed) => {
    setEditing(null);
    if (changed) { setSavedAt(changed === true ? new Date() : changed); load(); }
  };
  if (editing) return html`<${Editor} spec=${spec} kind=${kind} start=${editing} apps=${apps} done=${done} />`;
  const homeless = items && apps.length === 0;  // a new club: no section holds these yet
  return html`<${Saved} at=${savedAt} />
    <${Failure} error=${error} />
    ${homeless ? html`<${Notice}>${t(`no_section_${kind}`)} <a href=${`${config.home}club/`}>${t("to_club")}</a><//>`
      : html`<${Actions}><button class="button" type="button" onClick=${() => setEditing({ id: null })}>${t(`new_${kind}`)}</button><//>`}
    ${items ? html`<${List} kind=${kind} items=${items} apps=${apps} edit=${setEditing} />` : busy && html`<p class="meta">${t("loading")}</p>`}`;
}

function List({ kind, items, apps, edit }) {
  const [filter, setFilter] = useState({ app: "", year: "", state: "", search: "" });
  const [limit, setLimit] = useState(PAGE);
  const set = (name) => (value) => { setFilter({ ...filter, [name]: value }); setLimit(PAGE); };
  const years = [...new Set(items.data.map((i) => (i.attributes.publish_date || "").slice(0, 4)).filter(Boolean))].sort().reverse();
  const shown = items.data.filter((item) => {
    const a = item.attributes;
    const state = stateOf(item);
    if (filter.app && item.relationships.application.data?.id !== filter.app) return false;
    if (filter.year && !(a.publish_date || "").startsWith(filter.year)) return false;
    if (filter.state === "promoted" && !(a.promotion > 0)) return false;
    if (filter.state && filter.state !== "promoted" && state !== filter.state) return false;
    const search = filter.search.trim().toLowerCase();
    return !search || (a.texts || []).some((text) => text.title.toLowerCase().includes(search));
  });
  const appName = Object.fromEntries(apps.map((app) => [app.id, app.attributes.title]));
  return html`<section aria-labelledby="list-title">
    <h2 id="list-title">${t(`all_${kind}`)}</h2>
    <form class="filters" role="search" onSubmit=${(e) => e.preventDefault()}>
      <${Field} label=${t("search_title")} name="search" type="search" value=${filter.search} onInput=${set("search")} />
      <${Field} as="select" label=${t("application")} name="app" value=${filter.app} onInput=${set("app")}
        options=${[["", t("all")], ...apps.map((app) => [app.id, app.attributes.title])]} />
      ${kind === "news" && html`<${Field} as="select" label=${t("year")} name="year" value=${filter.year} onInput=${set("year")}
        options=${[["", t("all")], ...years.map((y) => [y, y])]} />`}
      <${Field} as="select" label=${t("state")} name="state" value=${filter.state} onInput=${set("state")}
        options=${[["", t("all")], ["draft", t("state_draft")], ["scheduled", t("state_scheduled")], ["live", t("state_live")],
          ...(kind === "news" ? [["ended", t("state_ended")], ["promoted", t("promoted")]] : [])]} />
    </form>
    <p class="meta" role="status">${t("shown_count", { count: shown.length })}</p>
    <ul class="cards">${shown.slice(0, limit).map((item) => {
      const a = item.attributes;
      const state = stateOf(item);
      const title = titleOf(a.texts) || t("untitled");
      return html`<li class="card">
        <h3>${title}</h3>
        <p class="meta">
          <span class=${`badge state-${state}`}>${t(`state_${state}`)}</span>
          ${a.promotion > 0 && html` <span class="badge">${t("promoted")}</span>`}
          ${" "}${appName[item.relationships.application.data?.id] || ""}
          ${a.publish_date && ` · ${showMoment(fromWire(a.publish_date))}`}
        </p>
        <${Actions}><button class="button" type="button" aria-label=${`${t("edit")}: ${title}`}
          onClick=${() => edit(item)}>${t("edit")}</button><//>
      </li>`;
    })}</ul>
    ${shown.length > limit && html`<${Actions}><button class="button button-quiet" type="button"
      onClick=${() => setLimit(limit + PAGE)}>${t("show_more")}</button><//>`}
  </section>`;
}

// --- the editor ---------------------------------------------------------------------------------

function toForm(item, apps) {
  const a = item.attributes || {};
  const local = (value) => (value ? clubParts(fromWire(value)) : { date: "", time: "" });
  const publish = local(a.publish_date);
  const end = local(a.end_date);
  const promotionEnd = local(a.promotion_end_date);
  return {
    id: item.id, application: item.relationships?.application?.data?.id || apps[0]?.id || "",
    enabled: a.enabled ?? false, publish_day: publish.date, publish_time: publish.time,
    end_day: end.date, end_time: end.time, promotion: String(a.promotion ?? 0),
    promotion_end_day: promotionEnd.date, priority: String(a.priority ?? 0), remark: a.remark || "",
    texts: textsByLanguage(a.texts), image: item.relationships?.image?.data?.id || null,
  };
}

function toDocument(spec, form, overrides = {}) {
  const f = { ...form, ...overrides };
  const moment = (day, time) => (day ? toWire(clubMoment(day, time || "00:00")) : null);
  const attributes = { enabled: f.enabled, remark: f.remark, texts: textsToSend(f.texts) };
  if (spec.type === "news_items") {
    Object.assign(attributes, {
      publish_date: moment(f.publish_day, f.publish_time) || toWire(new Date()),
      end_date: moment(f.end_day, f.end_time), promotion: Number(f.promotion) || 0,
      promotion_end_date: moment(f.promotion_end_day, "23:59"),
    });
  } else {
    attributes.priority = Number(f.priority) || 0;
  }
  const data = { type: spec.type, attributes,
    relationships: { application: { data: f.application ? { type: "applications", id: f.application } : null } } };
  // a draft kept from before the photo field has no `image`: it leaves the photo as it is
  if (f.image !== undefined) data.relationships.image = { data: f.image ? { type: "images", id: f.image } : null };
  if (f.id) data.id = f.id;
  return { data };
}

function Editor({ spec, kind, start, apps, done }) {
  const key = `${kind}.${start.id || "new"}`;
  const [restored] = useState(() => drafts.read(key));
  const [form, setForm] = useState(() => restored || toForm(start, apps));
  const [preview, setPreview] = useState(null);
  const [run, busy, error, fields] = useCall();
  const set = (patch) => setForm((old) => { const next = { ...old, ...patch }; drafts.write(key, next); return next; });
  const setText = (lang, name, value) => setForm((old) => {
    const next = { ...old, texts: { ...old.texts, [lang]: { ...old.texts[lang], [name]: value } } };
    drafts.write(key, next);
    return next;
  });
  const save = (overrides) => run(async () => {
    const body = toDocument(spec, form, overrides);
    if (form.id) await api("PATCH", `${spec.path}/${form.id}`, { json: body });
    else await api("POST", spec.path, { json: body });
    drafts.clear(key);
    done(new Date());
  });
  const now = clubParts(new Date());
  const showPreview = (lang) => run(async () => {
    const answer = await api("POST", `${spec.path}/preview?lang=${lang}`, { json: toDocument(spec, form), raw: true });
    setPreview({ lang, html: typeof answer === "string" ? answer : "" });
  });
  const remove = () => run(async () => {
    if (!window.confirm(t("confirm_delete"))) return;
    await api("DELETE", `${spec.path}/${form.id}`);
    drafts.clear(key);
    done(true);
  });
  // the API points at the n-th text sent, and only the languages with text are sent
  const sent = textsToSend(form.texts).map((text) => text.locale);
  const textError = (lang, name) => fields[`texts/${sent.indexOf(lang)}/${name}`]
    || fields[`texts/${sent.indexOf(lang)}`] || (name === "title" && fields.texts);
  return html`<form class="editor" onSubmit=${(e) => { e.preventDefault(); save({}); }} novalidate aria-labelledby="editor-title">
    <h2 tabindex="-1" ref=${useFocus()} id="editor-title">${form.id ? t(`edit_${kind}`) : t(`new_${kind}`)}</h2>
    ${restored && html`<${Notice}>${t("draft_restored")}
      <button class="button button-quiet" type="button" onClick=${() => { drafts.clear(key); setForm(toForm(start, apps)); }}>${t("discard_draft")}</button><//>`}
    <${Failure} error=${error} />
    <p class="meta">${t("state")}: <span class="badge">${t(`state_${form.enabled ? (form.publish_day && `${form.publish_day} ${form.publish_time}` > `${now.date} ${now.time}` ? "scheduled" : "live") : "draft"}`)}</span></p>
    <${Field} as="select" label=${t("application")} name="application" value=${form.application}
      onInput=${(v) => set({ application: v })} options=${apps.map((app) => [app.id, app.attributes.title])}
      error=${fields.application} />
    <div class="languages">
      ${config.languages.map((lang) => html`<fieldset lang=${lang}><legend>${languageName(lang)}</legend>
        <${Field} label=${t("title")} name=${`title-${lang}`} value=${form.texts[lang].title}
          onInput=${(v) => setText(lang, "title", v)} error=${textError(lang, "title")} />
        <${Field} as="textarea" label=${t("summary")} name=${`summary-${lang}`} value=${form.texts[lang].summary}
          onInput=${(v) => setText(lang, "summary", v)} error=${textError(lang, "summary")} rows="3" />
        <${Markdown} label=${t("content")} name=${`content-${lang}`} value=${form.texts[lang].content}
          onInput=${(v) => setText(lang, "content", v)} error=${textError(lang, "content")} />
      </fieldset>`)}
    </div>
    <${ImageField} name="lead" label=${t(kind === "news" ? "lead_image" : "lead_image_page")} value=${form.image}
      onChange=${(v) => set({ image: v })} error=${fields.image} />
    ${kind === "news" ? html`<fieldset class="schedule"><legend>${t("schedule")}</legend>
      <div class="grid-2">
        <${Field} label=${t("publish_date")} type="date" name="publish_day" value=${form.publish_day} onInput=${(v) => set({ publish_day: v })} error=${fields.publish_date} />
        <${Field} label=${t("publish_time")} type="time" step="1" name="publish_time" value=${form.publish_time} onInput=${(v) => set({ publish_time: v })} />
        <${Field} label=${t("end_date")} type="date" name="end_day" value=${form.end_day} onInput=${(v) => set({ end_day: v })} error=${fields.end_date} />
        <${Field} label=${t("end_time_news")} type="time" name="end_time" value=${form.end_time} onInput=${(v) => set({ end_time: v })} />
        <${Field} label=${t("promotion")} hint=${t("promotion_hint")} type="number" min="0" name="promotion" value=${form.promotion} onInput=${(v) => set({ promotion: v })} error=${fields.promotion} />
        <${Field} label=${t("promotion_until")} type="date" name="promotion_end_day" value=${form.promotion_end_day} onInput=${(v) => set({ promotion_end_day: v })} error=${fields.promotion_end_date} />
      </div>
    </fieldset>` : html`<${Field} label=${t("priority")} type="number" name="priority" value=${form.priority} onInput=${(v) => set({ priority: v })} error=${fields.priority} />`}
    <${Field} as="textarea" label=${t("remark")} hint=${t("remark_hint")} name="remark" value=${form.remark} onInput=${(v) => set({ remark: v })} error=${fields.remark} />
    <${Actions}>
      <button class="button" type="submit" disabled=${busy}>${busy ? t("saving") : t("save")}</button>
      <button class="button button-quiet" type="button" disabled=${busy} onClick=${() => showPreview(config.lang)}>${t("preview")}</button>
      <button class="button button-quiet" type="button" disabled=${busy}
        onClick=${() => save({ enabled: true, publish_day: kind === "news" ? now.date : form.publish_day, publish_time: now.time })}>${t("publish_now")}</button>
      ${kind === "news" && html`<button class="button button-quiet" type="button" disabled=${busy || !form.publish_day}
        onClick=${() => save({ enabled: true })}>${t("schedule_save")}</button>`}
      ${form.enabled && html`<button class="button button-quiet" type="button" disabled=${busy} onClick=${() => save({ enabled: false })}>${t("disable")}</button>`}
      <button class="button button-quiet" type="button" onClick=${() => done(false)}>${t("back")}</button>
      ${form.id && html`<button class="button button-quiet danger" type="button" onClick=${remove}>${t("delete")}</button>`}
    <//>
    ${preview !== null && html`<${Preview} preview=${preview} show=${showPreview} close=${() => setPreview(null)} />`}
  </form>`;
}

/** The page the site would publish, in a sandboxed frame, in one language at a time. */
function Preview({ preview, show, close }) {
  const heading = useFocus();
  const name = `${t("preview")}: ${languageName(preview.lang)}`;
  return html`<section class="preview" aria-labelledby="preview-title">
    <h2 id="preview-title" tabindex="-1" ref=${heading}>${name}</h2>
    <${Actions}>${config.languages.filter((lang) => lang !== preview.lang).map((lang) => html`
      <button class="button button-quiet" type="button" onClick=${() => show(lang)}>${t("preview")}: ${languageName(lang)}</button>`)}
      <button class="button button-quiet" type="button" onClick=${close}>${t("close_preview")}</button>
    <//>
    <iframe title=${name} sandbox="" srcdoc=${preview.html}></iframe>
  </section>`;
}

// --- Markdown with a toolbar and image upload --------------------------------------------------

const TOOLS = [
  ["bold", "**", "**"], ["italic", "_", "_"], ["heading", "\n## ", ""], ["list", "\n- ", ""],
  ["link", "[", "](https://)"],
];

function Markdown({ label, name, value, onInput, error }) {
  const area = useRef(null);
  const picker = useRef(null);
  const tools = useRef(null);
  const [uploads, setUploads] = useState(0);
  const [failure, setFailure] = useState(null);
  const wrap = (before, after) => {
    const el = area.current;
    const { selectionStart: from, selectionEnd: to } = el;
    const next = el.value.slice(0, from) + before + el.value.slice(from, to) + after + el.value.slice(to);
    onInput(next);
    requestAnimationFrame(() => { el.focus(); el.setSelectionRange(from + before.length, to + before.length); });
  };
  const [described, setDescribed] = useState(false);  // the last upload waits for its words
  const upload = async (files) => {
    for (const file of files) {
      if (!file.type.startsWith("image/")) continue;
      const marker = `![${t("uploading")} ${file.name}…]()`;
      const el = area.current;
      const at = el.selectionStart ?? el.value.length;
      let text = `${el.value.slice(0, at)}${marker}${el.value.slice(at)}`;
      onInput(text);
      setUploads((n) => n + 1);
      setFailure(null);
      // the file's name stands in for the words until the editor types what the photo shows
      const alt = file.name.replace(/\.[^.]+$/, "").replace(/[-_[\]]+/g, " ").trim();
      let line = "";
      try {
        const made = await uploadImage(file);  // described in the text, or in Photos
        line = `![${alt}](image:${made.id})`;
      } catch (problem) {
        setFailure(problem);
      }
      const before = area.current.value;
      const start = before.indexOf(marker);
      text = before.replace(marker, line);
      onInput(text);
      setUploads((n) => n - 1);
      const focus = document.activeElement;
      const here = !focus || focus === document.body || focus === area.current || tools.current.contains(focus);
      if (line && start >= 0 && here) {
        // select the stand-in words: typing replaces them with what the photo shows
        requestAnimationFrame(() => {
          area.current.focus();
          area.current.setSelectionRange(start + 2, start + 2 + alt.length);
        });
        setDescribed(true);
      }
    }
  };
  const id = `md-${name}`;
  return html`<div class="field markdown">
    <label for=${id}>${label}</label>
    <div class="toolbar" role="toolbar" ref=${tools} aria-label=${`${t("format")}: ${label}`}>
      ${TOOLS.map(([tool, before, after]) => html`<button type="button" class="tool" onClick=${() => wrap(before, after)}>${t(`md_${tool}`)}</button>`)}
      <button type="button" class="tool" onClick=${() => picker.current.click()}>${t("md_image")}</button>
      <input ref=${picker} type="file" accept="image/*" hidden tabindex="-1" aria-hidden="true"
        onChange=${(e) => { upload([...e.target.files]); e.target.value = ""; }} />
    </div>
    <textarea ref=${area} id=${id} name=${name} rows="10" value=${value} aria-describedby=${`${id}-hint ${id}-error`}
      aria-invalid=${error ? "true" : undefined}
      onInput=${(e) => { setDescribed(false); onInput(e.target.value); }}
      onDragOver=${(e) => e.preventDefault()}
      onDrop=${(e) => { if (e.dataTransfer.files.length) { e.preventDefault(); upload([...e.dataTransfer.files]); } }}
      onPaste=${(e) => { const files = [...(e.clipboardData?.files || [])]; if (files.length) { e.preventDefault(); upload(files); } }}></textarea>
    <p class="hint" id=${`${id}-hint`} aria-live="polite">${uploads > 0 ? t("uploading_count", { count: uploads })
      : described ? t("uploaded_describe") : t("markdown_hint")}</p>
    <${Failure} error=${failure} />
    <${ErrorText} id=${`${id}-error`} error=${error} />
  </div>`;
}
