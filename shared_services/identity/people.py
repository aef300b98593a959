"""How people are named to other people: by the name Keycloak's claims gave them (kept on the local account at
every sign-in), else by their e-mail; never by the account's technical name (`kc:<subject>`)."""


def person_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email or ""
