// The coach's week: the trainings of one week, and creating, editing, cancelling, duplicating
// and generating them.
import { useEffect, useState } from "../../vendor/preact-11.2.0/hooks.module.js";
import {
  addDays, all, api, clubMoment, clubParts, clubToday, config, drafts, fromWire, includedOf,
  monday, showDay, t, toWire, weekday,
} from "./core.js";
import { languageName, textsByLanguage, textsToSend, titleOf } from "./texts.js";
import { Actions, ErrorText, Failure, Field, Notice, Saved, html, useCall, useFocus } from "./ui.js";

const ref = (type) => (id) => ({ type, id: String(id) });

/** The whole workspace page for trainings. */
export function View() {
  const [week, setWeek] = useState(() => monday(clubToday()));
  const [list, setList] = useState(null);
  const [refs, setRefs] = useState(null);
  const [mode, setMode] = useState(null);  // null | {edit} | {generate} | {period} | {cancel}
  const [savedAt, setSavedAt] = useState(null);
  const [run, busy, error] = useCall();

  const load = () => run(async () => {
    const start = toWire(clubMoment(week));
    const end = toWire(new Date(clubMoment(addDays(week, 7)).getTime() - 1000));
    const found = await api("GET", `/trainings?filter[start]=${encodeURIComponent(start)}`
      + `&filter[end]=${encodeURIComponent(end)}&filter[active]=false&page[limit]=200`);
    setList(found);
  });
  useEffect(() => { load(); }, [week]);
  useEffect(() => {
    run(async () => {
      const [definitions, coaches, teams] = await Promise.all([
        all("/training_definitions"), all("/trainings/coaches"), all("/trainings/teams")]);
      setRefs({ definitions: definitions.data, coaches: coaches.data, teams: teams.data });
    });
  }, []);

  const done = (changed = true) => {
    setMode(null);
    if (changed) { setSavedAt(new Date()); load(); }
  };
  if (mode && refs) {
    if (mode.edit) return html`<${TrainingForm} start=${mode.edit} refs=${refs} week=${week} done=${done} />`;
    if (mode.generate) return html`<${Generate} refs=${refs} week=${week} done=${done} />`;
    if (mode.period) return html`<${Period} refs=${refs} week=${week} done=${done} />`;
  }
  return html`
    <${Saved} at=${savedAt} />
    <${Failure} error=${error} />
    <${WeekBar} week=${week} setWeek=${setWeek} />
    ${refs && html`<${NewTraining} refs=${refs} week=${week} setMode=${setMode} />`}
    ${list ? html`<${Week} week=${week} list=${list} refs=${refs} setMode=${setMode} done=${done} />`
      : busy && html`<p class="meta">${t("loading")}</p>`}`;
}

function WeekBar({ week, setWeek }) {
  const last = addDays(week, 6);
  return html`<section class="week-bar" aria-labelledby="week-title">
    <h2 id="week-title">${t("week_of", { from: showDay(week, { day: "numeric", month: "short" }),
      to: showDay(last, { day: "numeric", month: "short", year: "numeric" }) })}</h2>
    <${Actions}>
      <button class="button button-quiet" type="button" onClick=${() => setWeek(addDays(week, -7))}>${t("previous_week")}</button>
      <button class="button button-quiet" type="button" onClick=${() => setWeek(monday(clubToday()))}>${t("this_week")}</button>
      <button class="button button-quiet" type="button" onClick=${() => setWeek(addDays(week, 7))}>${t("next_week")}</button>
    <//>
    <${Field} label=${t("go_to_date")} name="jump" type="date" value=${week}
      onInput=${(value) => value && setWeek(monday(value))} />
  </section>`;
}

function NewTraining({ refs, week, setMode }) {
  const active = refs.definitions.filter((d) => d.attributes.active);
  return html`<section aria-labelledby="new-title" class="panel">
    <h2 id="new-title">${t("new_training")}</h2>
    <p class="meta">${active.length ? t("from_definition_hint")
      : html`${t("no_definitions")} <a href=${`${config.home}club/`}>${t("to_definitions")}</a>`}</p>
    <ul class="chips">
      ${active.map((d) => html`<li><button class="button button-quiet" type="button"
        onClick=${() => setMode({ edit: fromDefinition(d, week) })}>${d.attributes.name}</button></li>`)}
      <li><button class="button button-quiet" type="button" onClick=${() => setMode({ edit: blank(week) })}>${t("free_training")}</button></li>
    </ul>
    <${Actions}>
      <button class="button button-quiet" type="button" onClick=${() => setMode({ generate: true })}>${t("generate")}</button>
      <button class="button button-quiet" type="button" onClick=${() => setMode({ period: true })}>${t("cancel_period")}</button>
    <//>
  </section>`;
}

function Week({ week, list, refs, setMode, done }) {
  const found = includedOf(list);
  const days = [0, 1, 2, 3, 4, 5, 6].map((n) => addDays(week, n));
  const byDay = {};
  for (const item of list.data) {
    const day = clubParts(fromWire(item.attributes.event.start_date)).date;
    (byDay[day] = byDay[day] || []).push(item);
  }
  return html`<section aria-labelledby="week-list" class="week">
    <h2 id="week-list" class="visually-hidden">${t("view_trainings")}</h2>
    ${list.data.length === 0 && html`<p>${t("no_trainings")}</p>`}
    ${days.filter((day) => byDay[day]).map((day) => html`<div class="day">
      <h3>${showDay(day)}</h3>
      <ul class="cards">${byDay[day].sort((a, b) => a.attributes.event.start_date.localeCompare(b.attributes.event.start_date))
        .map((item) => html`<${Card} item=${item} found=${found} refs=${refs} setMode=${setMode} done=${done} />`)}</ul>
    </div>`)}
  </section>`;
}

function Card({ item, found, setMode, done }) {
  const a = item.attributes;
  const event = a.event;
  const [cancelling, setCancelling] = useState(false);
  const [reason, setReason] = useState("");
  const [run, busy, error, fields] = useCall();
  const title = titleOf(a.contents) || t("training");
  const teams = (item.relationships.teams.data || []).map((r) => found[`teams:${r.id}`]?.attributes.name).filter(Boolean);
  const coaches = a.coaches.map((c) => {
    const name = found[`training_coaches:${c.id}`]?.attributes.name || c.id;
    return c.head ? `${name} (${t("head")})` : name;
  });
  const from = clubParts(fromWire(event.start_date)).time;
  const to = clubParts(fromWire(event.end_date)).time;
  const setCancelled = (cancelled) => run(async () => {
    const attributes = { event: cancelled ? { cancelled, cancel_reason: reason } : { cancelled } };
    await api("PATCH", `/trainings/${item.id}`, { json: { data: { type: "trainings", id: item.id, attributes } } });
    done();
  });
  return html`<li class=${`card training-card ${event.cancelled ? "is-cancelled" : ""}`}>
    <p class="when"><strong>${from}–${to}</strong> ${event.cancelled && html`<span class="badge">${t("cancelled")}</span>`}</p>
    <h4>${title}</h4>
    <p class="meta">${[teams.join(", "), event.location].filter(Boolean).join(" · ")}</p>
    ${coaches.length > 0 && html`<p class="meta">${t("coaches")}: ${coaches.join(", ")}</p>`}
    ${event.cancelled && event.cancel_reason && html`<p class="meta">${t("reason")}: ${event.cancel_reason}</p>`}
    <${Failure} error=${error} />
    ${cancelling ? html`<form class="inline-form" onSubmit=${(e) => { e.preventDefault(); setCancelled(true); }}>
        <${Field} label=${t("reason")} name="reason" value=${reason} onInput=${setReason} error=${fields["event/cancel_reason"]} />
        <${Actions}>
          <button class="button" type="submit" disabled=${busy}>${t("cancel_training")}</button>
          <button class="button button-quiet" type="button" onClick=${() => setCancelling(false)}>${t("back")}</button>
        <//>
      </form>`
    : html`<${Actions}>
        <button class="button" type="button" onClick=${() => setMode({ edit: fromTraining(item) })}
          aria-label=${`${t("edit")}: ${title} ${from}`}>${t("edit")}</button>
        ${event.cancelled
          ? html`<button class="button button-quiet" type="button" disabled=${busy} onClick=${() => setCancelled(false)}
              aria-label=${`${t("uncancel")}: ${title} ${from}`}>${t("uncancel")}</button>`
          : html`<button class="button button-quiet" type="button" onClick=${() => setCancelling(true)}
              aria-label=${`${t("cancel")}: ${title} ${from}`}>${t("cancel")}</button>`}
        <button class="button button-quiet" type="button" onClick=${() => setMode({ edit: { ...fromTraining(item), id: null } })}
          aria-label=${`${t("duplicate")}: ${title} ${from}`}>${t("duplicate")}</button>
      <//>`}
  </li>`;
}

// --- the form -----------------------------------------------------------------------------------

function blank(week) {
  const today = clubToday();
  const day = today >= week && today < addDays(week, 7) ? today : week;
  return { id: null, definition: null, day, start: "19:00", end: "20:30", location: "", remark: "",
    cancelled: false, teams: [], coaches: {}, texts: textsByLanguage([]) };
}

function fromDefinition(definition, week) {
  const a = definition.attributes;
  const team = definition.relationships?.team?.data;
  const names = {};
  for (const lang of config.languages) names[lang] = { title: a.name, summary: "", content: "" };
  // the weekly training's coaches come with it
  const coaches = Object.fromEntries((a.coaches || []).map((c) => [c.id, { head: c.head, present: false, payed: false }]));
  return { ...blank(week), definition: definition.id, day: addDays(week, a.weekday - 1),
    start: a.start_time.slice(0, 5), end: a.end_time.slice(0, 5), location: a.location || "",
    teams: team ? [team.id] : [], coaches, texts: names };
}

function fromTraining(item) {
  const a = item.attributes;
  const start = clubParts(fromWire(a.event.start_date));
  const coaches = {};
  for (const c of a.coaches) coaches[c.id] = { head: c.head, present: c.present, payed: c.payed };
  return { id: item.id, definition: item.relationships.definition?.data?.id || null, day: start.date,
    start: start.time, end: clubParts(fromWire(a.event.end_date)).time,
    location: a.event.location || "", remark: a.remark || "", cancelled: a.event.cancelled,
    teams: (item.relationships.teams.data || []).map((r) => r.id), coaches, texts: textsByLanguage(a.contents) };
}

function toDocument(form) {
  const data = {
    type: "trainings",
    attributes: {
      contents: textsToSend(form.texts),
      event: { start_date: toWire(clubMoment(form.day, form.start)), end_date: toWire(clubMoment(form.day, form.end)),
        location: form.location, cancelled: form.cancelled, active: true },
      remark: form.remark,
      coaches: Object.entries(form.coaches).map(([id, c]) => ({ id, ...c })),
    },
    relationships: {
      teams: { data: form.teams.map(ref("teams")) },
      definition: { data: form.definition ? ref("training_definitions")(form.definition) : null },
    },
  };
  if (form.id) data.id = form.id;
  return { data };
}

function TrainingForm({ start, refs, done }) {
  const key = `training.${start.id || "new"}`;
  const [restored] = useState(() => drafts.read(key));
  const [form, setForm] = useState(restored || start);
  const [run, busy, error, fields] = useCall();
  const set = (patch) => setForm((old) => { const next = { ...old, ...patch }; drafts.write(key, next); return next; });
  const setText = (lang, name, value) => set({ texts: { ...form.texts, [lang]: { ...form.texts[lang], [name]: value } } });
  const toggle = (list, id) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]);
  const setCoach = (id, flag, value) => {
    const coaches = { ...form.coaches };
    if (flag === "on") { if (value) coaches[id] = { head: false, present: false, payed: false }; else delete coaches[id]; }
    else coaches[id] = { ...(coaches[id] || { head: false, present: false, payed: false }), [flag]: value };
    set({ coaches });
  };
  const save = (event) => {
    event.preventDefault();
    run(async () => {
      const body = toDocument(form);
      if (form.id) await api("PATCH", `/trainings/${form.id}`, { json: body });
      else await api("POST", "/trainings", { json: body });
      drafts.clear(key);
      done();
    });
  };
  const remove = () => run(async () => {
    if (!window.confirm(t("confirm_delete"))) return;
    await api("DELETE", `/trainings/${form.id}`);
    drafts.clear(key);
    done();
  });
  const sent = textsToSend(form.texts).map((text) => text.locale);  // the API points into these
  const eventError = fields["event/start_date"] || fields["event/end_date"] || fields.event;
  return html`<form class="editor" onSubmit=${save} novalidate aria-labelledby="form-title">
    <h2 tabindex="-1" ref=${useFocus()} id="form-title">${form.id ? t("edit_training") : t("new_training")}</h2>
    ${restored && html`<${Notice}>${t("draft_restored")}
      <button class="button button-quiet" type="button" onClick=${() => { drafts.clear(key); setForm(start); }}>${t("discard_draft")}</button><//>`}
    <${Failure} error=${error} />
    <div class="grid-3">
      <${Field} label=${t("date")} name="day" type="date" value=${form.day} onInput=${(day) => set({ day })} required />
      <${Field} label=${t("start_time")} name="start" type="time" value=${form.start} onInput=${(v) => set({ start: v })}
        error=${fields["event/start_date"]} required />
      <${Field} label=${t("end_time")} name="end" type="time" value=${form.end} onInput=${(v) => set({ end: v })}
        error=${fields["event/end_date"]} required />
    </div>
    <${Field} label=${t("location")} name="location" value=${form.location} onInput=${(v) => set({ location: v })}
      error=${fields["event/location"] || (!fields["event/start_date"] && !fields["event/end_date"] && eventError)} />
    <fieldset class="choices"><legend>${t("teams")}</legend>
      ${refs.teams.map((team) => html`<${Field} type="checkbox" name=${`team-${team.id}`} label=${team.attributes.name}
        value=${form.teams.includes(team.id)} onInput=${() => set({ teams: toggle(form.teams, team.id) })} />`)}
      <${ErrorText} error=${fields[Object.keys(fields).find((f) => f.startsWith("teams"))]} />
    </fieldset>
    <fieldset class="choices coaches"><legend>${t("coaches")}</legend>
      ${refs.coaches.filter((c) => c.attributes.active || form.coaches[c.id]).map((coach) => {
        const on = form.coaches[coach.id];
        return html`<div class="coach">
          <${Field} type="checkbox" name=${`coach-${coach.id}`} label=${coach.attributes.name} value=${!!on}
            onInput=${(v) => setCoach(coach.id, "on", v)} />
          ${on && html`<div class="coach-flags">${["head", "present", "payed"].map((flag) => html`
            <${Field} type="checkbox" name=${`coach-${coach.id}-${flag}`} label=${`${t(flag)}`} value=${on[flag]}
              aria-label=${`${coach.attributes.name}: ${t(flag)}`} onInput=${(v) => setCoach(coach.id, flag, v)} />`)}</div>`}
        </div>`;
      })}
      <${ErrorText} error=${fields[Object.keys(fields).find((f) => f.startsWith("coaches"))]} />
    </fieldset>
    <div class="languages">
      ${config.languages.map((lang) => html`<fieldset lang=${lang}><legend>${languageName(lang)}</legend>
        <${Field} label=${t("title")} name=${`title-${lang}`} value=${form.texts[lang].title} onInput=${(v) => setText(lang, "title", v)}
          error=${fields[`contents/${sent.indexOf(lang)}/title`] || fields[`contents/${sent.indexOf(lang)}`] || fields.contents} />
        <${Field} as="textarea" label=${t("summary")} name=${`summary-${lang}`} value=${form.texts[lang].summary}
          onInput=${(v) => setText(lang, "summary", v)} />
      </fieldset>`)}
    </div>
    <${Field} as="textarea" label=${t("remark")} hint=${t("remark_hint")} name="remark" value=${form.remark}
      onInput=${(v) => set({ remark: v })} error=${fields.remark} />
    <${Actions}>
      <button class="button" type="submit" disabled=${busy}>${busy ? t("saving") : t("save")}</button>
      <button class="button button-quiet" type="button" onClick=${() => done(false)}>${t("back")}</button>
      ${form.id && html`<button class="button button-quiet danger" type="button" onClick=${remove}>${t("delete")}</button>`}
    <//>
  </form>`;
}

// --- generating and cancelling periods ------------------------------------------------------------

function Generate({ refs, week, done }) {
  const [definition, setDefinition] = useState(refs.definitions[0]?.id || "");
  const [first, setFirst] = useState(week);
  const [last, setLast] = useState(addDays(week, 27));
  const [existing, setExisting] = useState(null);
  const [run, busy, error, fields] = useCall();
  const chosen = refs.definitions.find((d) => d.id === definition);
  const days = [];
  if (chosen && first && last) {
    for (let day = first; day <= last && days.length < 400; day = addDays(day, 1)) {
      if (weekday(day) === chosen.attributes.weekday) days.push(day);
    }
  }
  useEffect(() => {
    if (!chosen || !first || !last) return;
    run(async () => {
      const found = await api("GET", `/training_definitions/${definition}/trainings?filter[start]=${first}`
        + `&filter[end]=${addDays(last, 1)}&filter[active]=false&page[limit]=500`);
      setExisting(new Set(found.data.map((item) => clubParts(fromWire(item.attributes.event.start_date)).date)));
    });
  }, [definition, first, last]);
  const create = (event) => {
    event.preventDefault();
    run(async () => {
      await api("POST", `/training_definitions/${definition}/trainings`,
        { json: { data: { type: "trainings", attributes: { start: first, end: last } } } });
      done();
    });
  };
  const fresh = days.filter((day) => !existing || !existing.has(day));
  return html`<form class="editor" onSubmit=${create} aria-labelledby="generate-title">
    <h2 tabindex="-1" ref=${useFocus()} id="generate-title">${t("generate")}</h2>
    <${Failure} error=${error} />
    <${Field} as="select" label=${t("definition")} name="definition" value=${definition} onInput=${setDefinition}
      options=${refs.definitions.map((d) => [d.id, d.attributes.name])} />
    <div class="grid-2">
      <${Field} label=${t("from_date")} name="first" type="date" value=${first} onInput=${setFirst} error=${fields.start} />
      <${Field} label=${t("to_date")} name="last" type="date" value=${last} onInput=${setLast} error=${fields.end} />
    </div>
    <h3>${t("preview")}</h3>
    <p>${t("will_create", { count: fresh.length, existing: days.length - fresh.length })}</p>
    <ul class="preview-days">${days.map((day) => html`<li class=${existing && existing.has(day) ? "exists" : ""}>
      ${showDay(day, { weekday: "short", day: "numeric", month: "short" })}
      ${chosen && ` ${chosen.attributes.start_time.slice(0, 5)}–${chosen.attributes.end_time.slice(0, 5)}`}
      ${existing && existing.has(day) ? ` (${t("exists")})` : ""}</li>`)}</ul>
    <${Actions}>
      <button class="button" type="submit" disabled=${busy || fresh.length === 0}>${t("create_count", { count: fresh.length })}</button>
      <button class="button button-quiet" type="button" onClick=${() => done(false)}>${t("back")}</button>
    <//>
  </form>`;
}

function Period({ refs, week, done }) {
  const [first, setFirst] = useState(week);
  const [last, setLast] = useState(addDays(week, 6));
  const [reason, setReason] = useState("");
  const [teams, setTeams] = useState([]);
  const [cancelled, setCancelled] = useState(true);
  const [run, busy, error, fields] = useCall();
  const send = (event) => {
    event.preventDefault();
    run(async () => {
      const attributes = cancelled ? { start: first, end: last, cancelled, reason } : { start: first, end: last, cancelled };
      const data = { type: "training_cancellations", attributes };
      if (teams.length) data.relationships = { teams: { data: teams.map(ref("teams")) } };
      await api("POST", "/trainings/cancellations", { json: { data } });
      done();
    });
  };
  return html`<form class="editor" onSubmit=${send} aria-labelledby="period-title">
    <h2 tabindex="-1" ref=${useFocus()} id="period-title">${t("cancel_period")}</h2>
    <p class="meta">${t("cancel_period_hint")}</p>
    <${Failure} error=${error} />
    <div class="grid-2">
      <${Field} label=${t("from_date")} name="first" type="date" value=${first} onInput=${setFirst} error=${fields.start} />
      <${Field} label=${t("to_date")} name="last" type="date" value=${last} onInput=${setLast} error=${fields.end} />
    </div>
    <${Field} label=${t("reason")} name="reason" value=${reason} onInput=${setReason} error=${fields.reason} />
    <fieldset class="choices"><legend>${t("only_teams")}</legend>
      ${refs.teams.map((team) => html`<${Field} type="checkbox" name=${`pteam-${team.id}`} label=${team.attributes.name}
        value=${teams.includes(team.id)} onInput=${(v) => setTeams(v ? [...teams, team.id] : teams.filter((x) => x !== team.id))} />`)}
    </fieldset>
    <${Field} type="checkbox" name="undo" label=${t("uncancel_period")} value=${!cancelled} onInput=${(v) => setCancelled(!v)} />
    <${Actions}>
      <button class="button" type="submit" disabled=${busy}>${cancelled ? t("cancel_period") : t("uncancel_period")}</button>
      <button class="button button-quiet" type="button" onClick=${() => done(false)}>${t("back")}</button>
    <//>
  </form>`;
}
