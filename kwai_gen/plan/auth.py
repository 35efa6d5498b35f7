"""The staff pages under /auth/: log in, forgotten password, new password, accept an invitation.

They are static forms; theme/static/js/auth.js sends them to the API on the same origin when
they are submitted (never when a page opens: mail scanners open the links in mails first). They
are not indexed and not searched.
"""

from __future__ import annotations

from dataclasses import replace

from kwai_api.core.accounts import MIN_PASSWORD_LENGTH
from kwai_gen.plan.frames import Frame
from kwai_gen.plan.outputs import Output

API = "/api/v1"
PAGES = ("login", "recover", "reset", "invite")

# The words of the forms; `messages` are the ones the script shows after a submit.
AUTH_LABELS: dict[str, dict[str, str]] = {
    "nl": {
        "login_title": "Aanmelden",
        "login_intro": "Voor trainers, bestuursleden en medewerkers van de club.",
        "login_submit": "Aanmelden",
        "recover_title": "Wachtwoord vergeten",
        "recover_intro": "Vul het e-mailadres van je account in. Je krijgt een mail met een "
        "link om een nieuw wachtwoord te kiezen.",
        "recover_submit": "Stuur me een link",
        "reset_title": "Nieuw wachtwoord kiezen",
        "reset_intro": "Kies een nieuw wachtwoord voor je account. Daarna meld je je aan met "
        "dat wachtwoord; je bent overal afgemeld.",
        "reset_submit": "Wachtwoord opslaan",
        "invite_title": "Uitnodiging aanvaarden",
        "invite_intro": "Je bent uitgenodigd om een account te maken. Vul je naam in en kies "
        "een wachtwoord.",
        "invite_submit": "Account maken",
        "email": "E-mailadres",
        "password": "Wachtwoord",
        "new_password": "Nieuw wachtwoord",
        "repeat_password": "Herhaal het wachtwoord",
        "password_hint": "Minstens {n} tekens.",
        "first_name": "Voornaam",
        "last_name": "Familienaam",
        "forgot": "Wachtwoord vergeten?",
        "to_login": "Naar aanmelden",
        "new_link": "Werkt de link niet meer? Vraag een nieuwe aan.",
        "invite_help": "Werkt de link niet meer? Vraag wie je uitnodigde om een nieuwe "
        "uitnodiging.",
        "noscript": "Deze pagina heeft JavaScript nodig. Zet JavaScript aan in je browser en "
        "laad de pagina opnieuw.",
        "recover_done": "Hoort {email} bij een account, dan is er een mail met een link "
        "onderweg. Kijk ook bij je ongewenste mail. De link werkt maar een paar uur.",
        "reset_done": "Je nieuwe wachtwoord is opgeslagen. Meld je ermee aan.",
        "invite_done": "Je account is gemaakt. Meld je aan met {email} en je wachtwoord.",
    },
    "en": {
        "login_title": "Log in",
        "login_intro": "For the club's coaches, board members and volunteers.",
        "login_submit": "Log in",
        "recover_title": "Forgotten password",
        "recover_intro": "Fill in the email address of your account. You will get a mail with "
        "a link to choose a new password.",
        "recover_submit": "Send me a link",
        "reset_title": "Choose a new password",
        "reset_intro": "Choose a new password for your account. Then log in with it; you are "
        "logged out everywhere.",
        "reset_submit": "Save the password",
        "invite_title": "Accept the invitation",
        "invite_intro": "You are invited to make an account. Fill in your name and choose a "
        "password.",
        "invite_submit": "Create the account",
        "email": "Email address",
        "password": "Password",
        "new_password": "New password",
        "repeat_password": "Repeat the password",
        "password_hint": "At least {n} characters.",
        "first_name": "First name",
        "last_name": "Last name",
        "forgot": "Forgot your password?",
        "to_login": "To the login page",
        "new_link": "Does the link not work any more? Ask for a new one.",
        "invite_help": "Does the link not work any more? Ask the person who invited you for "
        "a new invitation.",
        "noscript": "This page needs JavaScript. Turn JavaScript on in your browser and reload "
        "the page.",
        "recover_done": "If {email} belongs to an account, a mail with a link is on its way. "
        "Look in your junk mail too. The link works for a few hours only.",
        "reset_done": "Your new password is saved. Log in with it.",
        "invite_done": "Your account is ready. Log in with {email} and your password.",
    },
}

MESSAGES: dict[str, dict[str, str]] = {
    "nl": {
        "busy": "Even geduld…",
        "required": "Vul dit veld in.",
        "email_invalid": "Dit is geen e-mailadres (zoals naam@voorbeeld.be).",
        "too_short": "Het wachtwoord moet minstens {n} tekens hebben.",
        "mismatch": "De twee wachtwoorden zijn niet gelijk.",
        "wrong_login": "Het e-mailadres of het wachtwoord klopt niet.",
        "blocked": "Dit account is geblokkeerd. Vraag het bestuur van de club waarom.",
        "link_gone": "Deze link is al gebruikt of verlopen. Vraag een nieuwe aan.",
        "link_unknown": "Deze link kennen we niet. Open de link uit je mail opnieuw of kopieer "
        "hem volledig in de adresbalk.",
        "check_field": "Kijk het aangeduide veld na.",
        "password_rejected": "Dit wachtwoord wordt niet aanvaard. Kies er een van minstens {n} "
        "tekens.",
        "field_rejected": "Dit wordt niet aanvaard.",
        "rejected": "Dat lukte niet. Misschien is deze link al gebruikt of heb je al een "
        "account; meld je dan aan.",
        "throttled": "Te veel pogingen. Probeer het opnieuw over {seconds} seconden.",
        "network": "De server is niet bereikbaar. Controleer je verbinding en probeer opnieuw.",
        "unexpected": "Er ging iets mis (fout {status}). Probeer het later opnieuw.",
        "missing_uuid": "Deze link is onvolledig. Open de link uit je mail opnieuw of kopieer "
        "hem volledig in de adresbalk.",
    },
    "en": {
        "busy": "One moment…",
        "required": "Fill in this field.",
        "email_invalid": "This is not an email address (like name@example.com).",
        "too_short": "The password needs at least {n} characters.",
        "mismatch": "The two passwords are not the same.",
        "wrong_login": "The email address or the password is wrong.",
        "blocked": "This account is blocked. Ask the club's board why.",
        "link_gone": "This link has been used already or has expired. Ask for a new one.",
        "link_unknown": "This link is unknown. Open the link in your mail again, or copy all "
        "of it into the address bar.",
        "check_field": "Check the marked field.",
        "password_rejected": "This password is not accepted. Choose one of at least {n} "
        "characters.",
        "field_rejected": "This is not accepted.",
        "rejected": "That did not work. Maybe this link has been used already or you have an "
        "account already; then log in.",
        "throttled": "Too many attempts. Try again in {seconds} seconds.",
        "network": "The server cannot be reached. Check your connection and try again.",
        "unexpected": "Something went wrong (error {status}). Try again later.",
        "missing_uuid": "This link is incomplete. Open the link in your mail again, or copy "
        "all of it into the address bar.",
    },
}


def auth_labels(lang: str) -> dict[str, str]:
    """The forms' words in `lang` (English for a language without its own)."""
    words = dict(AUTH_LABELS.get(lang, AUTH_LABELS["en"]))
    words["password_hint"] = words["password_hint"].replace("{n}", str(MIN_PASSWORD_LENGTH))
    return words


def auth_messages(lang: str) -> dict[str, str]:
    """What the script says after a submit, in `lang` (English for a language without its own)."""
    words = dict(MESSAGES.get(lang, MESSAGES["en"]))
    for key in ("too_short", "password_rejected"):
        words[key] = words[key].replace("{n}", str(MIN_PASSWORD_LENGTH))
    return words


def auth_path(name: str) -> str:
    """The language-neutral path of a staff page: "auth/login/"."""
    return f"auth/{name}/"


def plan_auth(frame: Frame) -> list[Output]:
    """The staff pages in the frame's language."""
    words = auth_labels(frame.lang)
    links = {name: frame.url(auth_path(name)) for name in PAGES}
    outputs = []
    for name in PAGES:
        output = frame.page(
            auth_path(name),
            f"auth_{name}.html",
            title=words[f"{name}_title"],
            description=words[f"{name}_intro"],
            auth=words,
            messages=auth_messages(frame.lang),
            links=links,
            api=API,
            min_password=MIN_PASSWORD_LENGTH,
            workspace=frame.url("staff/"),
        )
        outputs.append(replace(output, page=None))  # not indexed, so not in the sitemap
    return outputs
