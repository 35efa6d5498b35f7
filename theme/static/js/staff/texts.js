// Texts per language, as the API holds them for trainings, news and pages.
import { config } from "./core.js";

/** One text per site language, filled from `texts` (a list of {locale, title, ...}). */
export function textsByLanguage(texts) {
  const found = {};
  for (const lang of config.languages) {
    const text = (texts || []).find((item) => item.locale === lang) || {};
    found[lang] = { title: text.title || "", summary: text.summary || "", content: text.content || "" };
  }
  return found;
}

/** The texts to send: the languages with a title, in Markdown. */
export function textsToSend(byLanguage) {
  return config.languages
    .filter((lang) => byLanguage[lang].title.trim() || byLanguage[lang].content.trim())
    .map((lang) => ({ locale: lang, format: "md", ...byLanguage[lang] }));
}

/** The title in the page's language, else the first one there is. */
export function titleOf(texts) {
  const list = texts || [];
  const own = list.find((item) => item.locale === config.lang && item.title);
  return (own || list.find((item) => item.title) || { title: "" }).title;
}

/** The language's name in the page's language ("Nederlands", "English"). */
export function languageName(lang) {
  try {
    return new Intl.DisplayNames([config.lang], { type: "language" }).of(lang);
  } catch (error) {
    return lang;
  }
}
