"""HTML pages of the development identity provider: login form, error page, logout pages.

Plain, accessible HTML (lang="pl", one h1, labelled fields) that says plainly it is the development
identity provider and not Keycloak.
"""

from __future__ import annotations

from html import escape

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.5}
.banner{border:2px solid #8a4b00;background:#fff4e5;padding:.75rem 1rem;margin-bottom:1.5rem}
label{display:block;margin-top:1rem;font-weight:600}
input[type=text],input[type=password]{width:100%;padding:.5rem;font-size:1rem;border:1px solid #555;box-sizing:border-box}
button{margin-top:1.5rem;padding:.6rem 1.2rem;font-size:1rem;background:#0b4f8a;color:#fff;border:0;cursor:pointer}
button:focus,input:focus{outline:3px solid #ffbf47;outline-offset:2px}
.error{border-left:4px solid #b00020;padding:.5rem 1rem;background:#fdecee;margin:1rem 0}
"""

_BANNER = (
    '<p class="banner" role="note"><strong>Deweloperski dostawca tożsamości — to nie jest Keycloak.</strong> '
    "Służy wyłącznie do testów i pracy lokalnej.<br>"
    '<span lang="en">Development identity provider — this is not Keycloak. For tests and local development only.</span></p>'
)


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="pl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)} — deweloperski dostawca tożsamości</title>\n<style>{_STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{_BANNER}\n{body}\n</main>\n</body>\n</html>\n"
    )


def login_page(*, action: str, realm_display: str, username: str = "", error: str | None = None) -> str:
    error_html = f'<div class="error" role="alert" id="login-error">{escape(error)}</div>' if error else ""
    described = ' aria-describedby="login-error" aria-invalid="true"' if error else ""
    return _page(
        "Logowanie",
        f"""
<h1>Zaloguj się do: {escape(realm_display)}</h1>
{error_html}
<form id="kc-form-login" method="post" action="{escape(action)}">
<label for="username">Nazwa użytkownika lub e-mail <span lang="en">(username or email)</span></label>
<input type="text" id="username" name="username" value="{escape(username)}" autocomplete="username" autofocus required{described}>
<label for="password">Hasło <span lang="en">(password)</span></label>
<input type="password" id="password" name="password" autocomplete="current-password" required{described}>
<button type="submit" id="kc-login" name="login">Zaloguj się <span lang="en">(Sign in)</span></button>
</form>""",
    )


def error_page(message: str) -> str:
    return _page(
        "Błąd",
        f"""
<h1>Wystąpił błąd <span lang="en">(We are sorry…)</span></h1>
<p class="error" role="alert" id="kc-error-message">{escape(message)}</p>""",
    )


def logged_out_page() -> str:
    return _page(
        "Wylogowano",
        """
<h1>Wylogowano <span lang="en">(You are logged out)</span></h1>
<p>Sesja została zakończona. <span lang="en">Your session has ended.</span></p>""",
    )


def logout_confirm_page(*, action: str, fields: dict[str, str]) -> str:
    hidden = "\n".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in fields.items() if v)
    return _page(
        "Wylogowanie",
        f"""
<h1>Czy chcesz się wylogować? <span lang="en">(Do you want to log out?)</span></h1>
<form method="post" action="{escape(action)}">
{hidden}
<button type="submit" id="kc-logout" name="confirmLogout" value="true">Wyloguj <span lang="en">(Logout)</span></button>
</form>""",
    )
