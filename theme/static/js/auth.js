// The staff pages under /auth/: each form goes to the API on this site when it is submitted,
// and the page says what happened. Opening a page sends nothing: mail scanners open the links
// in the invitation and recovery mails before people do, and must not spend them.
(function () {
  "use strict";

  var STORE_KEYS = ["access_token", "refresh_token", "expiration", "user"];
  var EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
  var UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
  // Where the API points at a field (form fields and JSON:API attributes alike).
  var FIELD_OF_POINTER = {
    "/password": "password",
    "/data/attributes/password": "password",
    "/data/attributes/first_name": "first_name",
    "/data/attributes/last_name": "last_name",
    "/email": "email",
    "/username": "username"
  };

  var text = {};
  var form, api, message, submitButton;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return name in values ? String(values[name]) : whole;
    });
  }

  // Earlier versions kept tokens in this tab's storage: a reset clears what may be left.
  function forget() {
    try {
      STORE_KEYS.forEach(function (key) { window.sessionStorage.removeItem("kwai." + key); });
    } catch (error) { /* nothing was kept */ }
  }

  function say(kind, words) {
    message.textContent = words;
    message.className = "auth-message" + (kind ? " is-" + kind : "");
  }

  function fieldError(input, words) {
    var slot = document.getElementById(input.id + "-error");
    if (slot) slot.textContent = words;
    if (words) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  function inputs() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.tagName === "INPUT";
    });
  }

  // The first problem of a field, checked in the page's language before anything is sent.
  function problemOf(input) {
    var value = input.type === "password" ? input.value : input.value.trim();
    if (input.required && !value) return text.required;
    if (input.type === "email" && !EMAIL.test(value)) return text.email_invalid;
    if (input.minLength > 0 && value.length < input.minLength) return text.too_short;
    var other = input.dataset.sameAs && form.elements[input.dataset.sameAs];
    if (other && other.value !== value) return text.mismatch;
    return "";
  }

  function validate() {
    var first = null;
    inputs().forEach(function (input) {
      var problem = problemOf(input);
      fieldError(input, problem);
      if (problem && !first) first = input;
    });
    if (first) first.focus();
    return first === null;
  }

  function value(name) {
    var input = form.elements[name];
    return input.type === "password" ? input.value : input.value.trim();
  }

  // One call to the API: {status, body, retry}; status 0 when the server could not be reached.
  function call(method, path, options) {
    var init = { method: method, credentials: "same-origin", headers: options.headers || {} };
    if (options.form) init.body = new URLSearchParams(options.form);
    if (options.json) {
      init.body = JSON.stringify(options.json);
      init.headers["Content-Type"] = "application/vnd.api+json";
    }
    return fetch(api + path, init).then(function (response) {
      var retry = response.headers.get("Retry-After");
      return response.text().then(function (raw) {
        var body = null;
        try { body = raw ? JSON.parse(raw) : null; } catch (error) { body = null; }
        return { status: response.status, body: body, retry: retry };
      });
    }, function () {
      return { status: 0, body: null, retry: null };
    });
  }

  // Say why a call failed, in the page's language: the API's own words are English, so the
  // page says what each status means (and marks the field a 422 points at).
  function explain(result) {
    var status = result.status;
    if (status === 0) return say("error", text.network);
    if (status === 429) {
      var seconds = parseInt(result.retry, 10);
      return say("error", fill(text.throttled, { seconds: seconds > 0 ? seconds : 60 }));
    }
    var errors = (result.body && result.body.errors) || [];
    var pointer = (errors.length && errors[0].source && errors[0].source.pointer) || "";
    if (status === 401) return say("error", text.wrong_login);
    if (status === 403) return say("error", text.blocked);
    if (status === 410) return say("error", text.link_gone);
    if (status === 404) return say("error", text.link_unknown);
    if (status === 422 && /user_invitation$/.test(pointer)) return say("error", text.link_gone);
    var name = FIELD_OF_POINTER[pointer];
    if (status === 422 && name && form.elements[name]) {
      say("error", text.check_field);
      fieldError(form.elements[name],
        name === "password" ? text.password_rejected : text.field_rejected);
      return form.elements[name].focus();
    }
    say("error", status === 422 ? text.rejected : fill(text.unexpected, { status: status }));
    message.focus();
  }

  function done(values) {
    form.hidden = true;
    // the introduction and the help for a failing link are done with as well
    Array.prototype.forEach.call(document.querySelectorAll(".auth-intro, .auth-links"),
      function (el) { el.hidden = true; });
    var panel = document.getElementById("auth-done");
    Array.prototype.forEach.call(panel.querySelectorAll("[data-template]"), function (el) {
      el.textContent = fill(el.dataset.template, values || {});
    });
    say("", "");
    panel.hidden = false;
    panel.setAttribute("tabindex", "-1");
    panel.focus();
  }

  // Where to go after logging in: the page that sent the person here, else the workspace.
  function nextPage() {
    var next = new URLSearchParams(window.location.search).get("next") || "";
    return /^\/(?!\/)/.test(next) && next.indexOf("\\") === -1 ? next : form.dataset.home;
  }

  var submit = {
    login: function () {
      return call("POST", "/auth/login", {
        form: { username: value("username"), password: value("password") }
      }).then(function (result) {
        if (result.status !== 200 || !result.body || !result.body.access_token) {
          return explain(result);
        }
        // The refresh token is now an HttpOnly cookie; the workspace takes it from there.
        form.elements.password.value = "";
        try { window.localStorage.setItem("kwai.session", "1"); } catch (error) { /* storage off */ }
        say("success", text.busy);
        window.location.assign(nextPage());
      });
    },
    recover: function () {
      var email = value("email");
      return call("POST", "/auth/recover", { form: { email: email } }).then(function (result) {
        if (result.status === 200 || result.status === 202) return done({ email: email });
        return explain(result);
      });
    },
    reset: function () {
      return call("POST", "/auth/reset", {
        form: { uuid: linkUuid(), password: form.elements.password.value }
      }).then(function (result) {
        if (result.status !== 200 && result.status !== 204) return explain(result);
        forget(); // every token of the account was just revoked
        return done();
      });
    },
    invite: function () {
      var attributes = {
        first_name: value("first_name"),
        last_name: value("last_name"),
        password: form.elements.password.value
      };
      return call("POST", "/auth/users", {
        json: {
          data: {
            type: "user_accounts",
            attributes: attributes,
            relationships: {
              user_invitation: { data: { type: "user_invitations", id: linkUuid() } }
            }
          }
        }
      }).then(function (result) {
        if (result.status !== 201) return explain(result);
        var account = (result.body && result.body.data && result.body.data.attributes) || {};
        return done({ email: account.email || "" });
      });
    }
  };

  function linkUuid() {
    return (new URLSearchParams(window.location.search).get("uuid") || "").trim();
  }

  // The mails link to the default language: switching language must keep the link's uuid.
  function keepQueryOnLanguageLinks() {
    if (!window.location.search) return;
    Array.prototype.forEach.call(document.querySelectorAll("a[hreflang]"), function (link) {
      var href = link.getAttribute("href");
      if (href && href.indexOf("/auth/") !== -1 && href.indexOf("?") === -1) {
        link.setAttribute("href", href + window.location.search);
      }
    });
  }

  function onSubmit(event) {
    event.preventDefault();
    if (submitButton.disabled) return;
    say("", "");
    if (!validate()) return;
    submitButton.disabled = true;
    form.setAttribute("aria-busy", "true");
    say("", text.busy);
    submit[form.dataset.form]().then(finish, function () {
      say("error", text.network);
      finish();
    });
  }

  function finish() {
    submitButton.disabled = false;
    form.removeAttribute("aria-busy");
    if (message.textContent === text.busy) say("", "");
  }

  function start() {
    form = document.getElementById("auth-form");
    message = document.getElementById("auth-message");
    if (!form || !message) return;
    text = JSON.parse(document.getElementById("auth-text").textContent);
    api = form.dataset.api || "/api/v1";
    submitButton = form.querySelector("button[type=submit]");
    keepQueryOnLanguageLinks();
    inputs().forEach(function (input) {
      // an error goes away as soon as the field is put right
      input.addEventListener("input", function () {
        if (input.hasAttribute("aria-invalid") && !problemOf(input)) fieldError(input, "");
      });
    });
    if (form.hasAttribute("data-needs-uuid") && !UUID.test(linkUuid())) {
      form.querySelector("fieldset").disabled = true;
      say("error", text.missing_uuid);
      return;
    }
    form.addEventListener("submit", onSubmit);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
