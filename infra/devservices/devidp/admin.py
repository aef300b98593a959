"""Keycloak 26 Admin REST API subset (admin/realms/{realm}/...) used by the platform's provisioning.

Hand-written because there is no Python server implementation of Keycloak's admin API; the platform talks to
it through python-keycloak, unmodified, so paths, status codes, Location headers, representations and error
bodies follow Keycloak's (errorMessage for model conflicts, error for not-found and HTTP-level refusals).
"""

from __future__ import annotations

import json
import re
import secrets
from urllib.parse import unquote

from .http import Request, Response, empty, json_response
from .store import Conflict, NotFound, hash_password, now

VIEW_REALM = {"view-realm", "manage-realm"}
MANAGE_REALM = {"manage-realm"}
VIEW_USERS = {"view-users", "manage-users"}
QUERY_USERS = VIEW_USERS | {"query-users"}
MANAGE_USERS = {"manage-users"}
QUERY_GROUPS = {"query-groups", "view-users", "manage-users"}
VIEW_CLIENTS = {"view-clients", "manage-clients"}
QUERY_CLIENTS = VIEW_CLIENTS | {"query-clients"}
MANAGE_CLIENTS = {"manage-clients"}
# Keycloak 26.x: organization reads need view-organizations / manage-organizations / manage-realm, listing
# also accepts query-organizations, writes need manage-organizations or manage-realm (view-realm opens nothing).
ORG_VIEW = {"view-organizations", "manage-organizations", "manage-realm"}
ORG_QUERY = ORG_VIEW | {"query-organizations"}
ORG_MANAGE = {"manage-organizations", "manage-realm"}
ANY_ADMIN = (
    VIEW_REALM
    | QUERY_USERS
    | QUERY_GROUPS
    | QUERY_CLIENTS
    | ORG_QUERY
    | {
        "view-identity-providers",
        "manage-identity-providers",
        "view-events",
        "manage-events",
        "view-authorization",
        "manage-authorization",
        "create-client",
        "impersonation",
        "query-realms",
    }
)

USER_ACCESS = {"manageGroupMembership": True, "view": True, "mapRoles": True, "impersonate": False, "manage": True}
GROUP_ACCESS = {"view": True, "viewMembers": True, "manageMembers": True, "manage": True, "manageMembership": True}
ALIAS_FORBIDDEN = set("/?#%&@!$'()*+,;=[]\\\"<>^`{|}")


def err(status: int, message: str, key: str = "error") -> Response:
    return json_response(status, {key: message})


def conflict(message: str) -> Response:
    return json_response(409, {"errorMessage": message})


def _page(items: list, first: int | None, max_: int | None) -> list:
    first = max(first or 0, 0)
    if max_ is None or max_ < 0:
        return items[first:]
    return items[first : first + max_]


def _like(value: str | None, needle: str, exact: bool) -> bool:
    if value is None:
        return False
    if exact:
        return value.lower() == needle.lower()
    n = needle.lower().strip("*")
    return n in value.lower()


def _route_pattern(path: str) -> re.Pattern:
    """A route as Keycloak's documentation writes it, each <name> one segment; a regex group stays as it is."""
    return re.compile("^" + re.sub(r"(?<!\?P)<(\w+)>", r"(?P<\1>[^/]+)", path) + "/?$")


class Admin:
    def __init__(self, oidc):
        self.oidc = oidc
        self.store = oidc.store
        routes = [
            ("GET", "", self.get_realm, ANY_ADMIN),
            ("PUT", "", self.put_realm, MANAGE_REALM),
            ("GET", "/users", self.list_users, QUERY_USERS),
            ("POST", "/users", self.create_user, MANAGE_USERS),
            ("GET", "/users/count", self.count_users, QUERY_USERS),
            ("GET", "/users/<uid>", self.get_user, VIEW_USERS),
            ("PUT", "/users/<uid>", self.put_user, MANAGE_USERS),
            ("DELETE", "/users/<uid>", self.delete_user, MANAGE_USERS),
            ("PUT", "/users/<uid>/reset-password", self.reset_password, MANAGE_USERS),
            ("PUT", "/users/<uid>/execute-actions-email", self.execute_actions_email, MANAGE_USERS),
            ("PUT", "/users/<uid>/send-verify-email", self.send_verify_email, MANAGE_USERS),
            ("GET", "/users/<uid>/groups", self.user_groups, VIEW_USERS),
            ("GET", "/users/<uid>/groups/count", self.user_groups_count, VIEW_USERS),
            ("PUT", "/users/<uid>/groups/<gid>", self.user_group_add, MANAGE_USERS),
            ("DELETE", "/users/<uid>/groups/<gid>", self.user_group_remove, MANAGE_USERS),
            ("GET", "/users/<uid>/role-mappings", self.user_role_mappings, VIEW_USERS),
            ("GET", "/users/<uid>/role-mappings/realm", self.user_realm_roles, VIEW_USERS),
            ("POST", "/users/<uid>/role-mappings/realm", self.user_realm_roles_add, MANAGE_USERS),
            ("DELETE", "/users/<uid>/role-mappings/realm", self.user_realm_roles_remove, MANAGE_USERS),
            ("GET", "/users/<uid>/role-mappings/realm/composite", self.user_realm_roles_composite, VIEW_USERS),
            ("GET", "/users/<uid>/role-mappings/clients/<cid>", self.user_client_roles, VIEW_USERS),
            ("POST", "/users/<uid>/role-mappings/clients/<cid>", self.user_client_roles_add, MANAGE_USERS),
            ("DELETE", "/users/<uid>/role-mappings/clients/<cid>", self.user_client_roles_remove, MANAGE_USERS),
            ("GET", "/users/<uid>/sessions", self.user_sessions, VIEW_USERS),
            ("POST", "/users/<uid>/logout", self.user_logout, MANAGE_USERS),
            ("GET", "/groups", self.list_groups, QUERY_GROUPS),
            ("POST", "/groups", self.create_group, MANAGE_USERS),
            ("GET", "/groups/count", self.count_groups, QUERY_GROUPS),
            ("GET", "/groups/<gid>", self.get_group, VIEW_USERS),
            ("PUT", "/groups/<gid>", self.put_group, MANAGE_USERS),
            ("DELETE", "/groups/<gid>", self.delete_group, MANAGE_USERS),
            ("GET", "/groups/<gid>/children", self.group_children, VIEW_USERS),
            ("POST", "/groups/<gid>/children", self.create_child, MANAGE_USERS),
            ("GET", "/groups/<gid>/members", self.group_members, VIEW_USERS),
            ("GET", "/group-by-path/(?P<path>.+)", self.group_by_path, VIEW_USERS),
            ("GET", "/roles", self.list_roles, ANY_ADMIN),
            ("POST", "/roles", self.create_role, MANAGE_REALM),
            ("GET", "/roles/<name>", self.get_role, ANY_ADMIN),
            ("GET", "/roles/<name>/users", self.role_users, VIEW_USERS),
            ("GET", "/clients", self.list_clients, QUERY_CLIENTS),
            ("GET", "/clients/<cid>", self.get_client, VIEW_CLIENTS),
            ("PUT", "/clients/<cid>", self.put_client, MANAGE_CLIENTS),
            ("GET", "/clients/<cid>/client-secret", self.client_secret, VIEW_CLIENTS),
            ("GET", "/clients/<cid>/roles", self.client_roles, VIEW_CLIENTS),
            ("GET", "/clients/<cid>/service-account-user", self.service_account_user, VIEW_CLIENTS),
            ("GET", "/organizations", self.list_orgs, ORG_QUERY),
            ("POST", "/organizations", self.create_org, ORG_MANAGE),
            ("GET", "/organizations/count", self.count_orgs, ORG_QUERY),
            ("GET", "/organizations/members/<uid>/organizations", self.member_orgs, ORG_VIEW),
            ("GET", "/organizations/<oid>", self.get_org, ORG_VIEW),
            ("PUT", "/organizations/<oid>", self.put_org, ORG_MANAGE),
            ("DELETE", "/organizations/<oid>", self.delete_org, ORG_MANAGE),
            ("GET", "/organizations/<oid>/members", self.org_members, ORG_VIEW),
            ("POST", "/organizations/<oid>/members", self.org_member_add, ORG_MANAGE),
            ("GET", "/organizations/<oid>/members/count", self.org_members_count, ORG_VIEW),
            ("POST", "/organizations/<oid>/members/invite-user", self.org_invite_user, ORG_MANAGE),
            ("POST", "/organizations/<oid>/members/invite-existing-user", self.org_invite_existing, ORG_MANAGE),
            ("GET", "/organizations/<oid>/members/<uid>", self.org_member, ORG_VIEW),
            ("DELETE", "/organizations/<oid>/members/<uid>", self.org_member_remove, ORG_MANAGE),
        ]
        self.routes = [(m, _route_pattern(f"admin/realms/<realm>{r}"), h, perms) for m, r, h, perms in routes]

    # ------------------------------------------------------------------ dispatch
    def handles(self, path: str) -> bool:
        return path.startswith("admin/realms/")

    def dispatch(self, req: Request) -> Response:
        matched_path = False
        for method, rx, handler, perms in self.routes:
            m = rx.match(req.path)
            if not m:
                continue
            matched_path = True
            if method != req.method:
                continue
            with self.store.lock:
                caller = self._caller(req)
                if caller is None:
                    return err(401, "HTTP 401 Unauthorized")
                params = m.groupdict()
                if params.pop("realm") != self.store.realm_name:
                    return err(404, "Realm not found.")
                if not self._allowed(caller, perms):
                    return err(403, "HTTP 403 Forbidden")
                if "/organizations" in req.path and not self.store.d["realm"].get("organizationsEnabled"):
                    return json_response(404, {"errorMessage": "Organizations not enabled for this realm."})
                try:
                    resp = handler(req, **{k: unquote(v) for k, v in params.items()})
                except NotFound as e:
                    return err(404, str(e))
                except json.JSONDecodeError:
                    return json_response(
                        400, {"error": "invalid_request", "error_description": "Cannot parse the JSON"}
                    )
                if req.method != "GET":
                    self.store.save()
                return resp
        if matched_path:
            return err(405, "HTTP 405 Method Not Allowed")
        return err(404, "HTTP 404 Not Found")

    def _caller(self, req: Request) -> dict | None:
        token = req.bearer()
        if not token:
            return None
        _claims, user, _client = self.oidc._active_access(token)
        return user

    def _allowed(self, user: dict, perms: set[str]) -> bool:
        return self.store.has_client_role(user, "realm-management", perms | {"realm-admin"})

    def _location(self, req: Request, *parts: str) -> list[tuple[str, str]]:
        return [("Location", req.base_url + req.path.rstrip("/") + "".join("/" + p for p in parts))]

    # ------------------------------------------------------------------ representations
    def user_rep(self, u: dict, brief: bool = False, access: bool = False) -> dict:
        rep = {"id": u["id"], "username": u["username"]}
        for k in ("firstName", "lastName", "email"):
            if u.get(k) is not None:
                rep[k] = u[k]
        rep["emailVerified"] = bool(u.get("emailVerified"))
        if not brief and u.get("attributes"):
            rep["attributes"] = u["attributes"]
        rep["createdTimestamp"] = u["createdTimestamp"]
        rep["enabled"] = bool(u.get("enabled"))
        if not brief:
            rep.update(
                {
                    "totp": False,
                    "disableableCredentialTypes": [],
                    "requiredActions": list(u.get("requiredActions", [])),
                    "notBefore": u.get("_not_before", 0),
                }
            )
            if u.get("_service_account_client"):
                c = self.store.d["clients"].get(u["_service_account_client"])
                if c:
                    rep["serviceAccountClientId"] = c["clientId"]
        if access:
            rep["access"] = dict(USER_ACCESS)
        return rep

    def group_rep(self, g: dict, brief: bool = True, access: bool = False) -> dict:
        rep = {"id": g["id"], "name": g["name"], "path": self.store.group_path(g)}
        if g["parentId"]:
            rep["parentId"] = g["parentId"]
        rep["subGroupCount"] = len(self.store.children(g["id"]))
        rep["subGroups"] = []
        if not brief:
            rep["attributes"] = g.get("attributes") or {}
            rep["realmRoles"] = [
                self.store.d["roles"][r]["name"] for r in g.get("_realm_roles", []) if r in self.store.d["roles"]
            ]
            rep["clientRoles"] = {}
        if access:
            rep["access"] = dict(GROUP_ACCESS)
        return rep

    def role_rep(self, r: dict, brief: bool = True) -> dict:
        rep = {k: v for k, v in r.items() if not k.startswith("_")}
        if brief:
            rep.pop("attributes", None)
        return rep

    def client_rep(self, c: dict) -> dict:
        return {k: v for k, v in c.items() if not k.startswith("_")}

    def org_rep(self, o: dict, brief: bool = False) -> dict:
        rep = {"id": o["id"], "name": o["name"], "alias": o["alias"], "enabled": o["enabled"]}
        if o.get("description"):
            rep["description"] = o["description"]
        if o.get("redirectUrl"):
            rep["redirectUrl"] = o["redirectUrl"]
        if not brief:
            rep["attributes"] = o.get("attributes") or {}
        if o.get("domains"):
            rep["domains"] = [dict(d) for d in o["domains"]]
        return rep

    # ------------------------------------------------------------------ realm
    def get_realm(self, req: Request) -> Response:
        return json_response(200, dict(self.store.d["realm"]))

    def put_realm(self, req: Request) -> Response:
        body = req.json() or {}
        skip = {"id", "realm", "users", "groups", "roles", "clients", "clientScopes", "organizations", "components"}
        self.store.d["realm"].update({k: v for k, v in body.items() if k not in skip})
        return empty(204)

    # ------------------------------------------------------------------ users
    def _search_users(self, req: Request) -> list[dict]:
        users = [u for u in self.store.d["users"].values() if not u.get("_service_account_client")]
        exact = req.q_bool("exact", False)
        search = req.q("search")
        if search:
            s = search.strip()
            if s.startswith("id:"):
                users = [u for u in users if u["id"] == s[3:]]
            else:
                ex = exact or (s.startswith('"') and s.endswith('"'))
                s = s.strip('"')
                users = [
                    u
                    for u in users
                    if s in ("", "*")
                    or any(_like(u.get(k), s, ex) for k in ("username", "email", "firstName", "lastName"))
                ]
        for field in ("username", "email", "firstName", "lastName"):
            value = req.q(field)
            if value is not None:
                users = [u for u in users if _like(u.get(field), value, exact)]
        enabled = req.q_bool("enabled")
        if enabled is not None:
            users = [u for u in users if bool(u.get("enabled")) == enabled]
        ev = req.q_bool("emailVerified")
        if ev is not None:
            users = [u for u in users if bool(u.get("emailVerified")) == ev]
        q = req.q("q")
        if q:
            for pair in q.split():
                k, _, v = pair.partition(":")
                users = [u for u in users if any(x == v for x in u.get("attributes", {}).get(k, []))]
        return sorted(users, key=lambda u: u["username"])

    def list_users(self, req: Request) -> Response:
        users = _page(self._search_users(req), req.q_int("first", 0), req.q_int("max", 100))
        brief = req.q_bool("briefRepresentation", False)
        return json_response(200, [self.user_rep(u, brief=brief) for u in users])

    def count_users(self, req: Request) -> Response:
        return json_response(200, len(self._search_users(req)))

    def create_user(self, req: Request) -> Response:
        body = req.json()
        if not isinstance(body, dict):
            return json_response(400, {"errorMessage": "Invalid user representation"})
        if not (body.get("username") or "").strip():
            if self.store.d["realm"].get("registrationEmailAsUsername") and body.get("email"):
                body["username"] = body["email"]
            else:
                return json_response(
                    400, {"field": "username", "errorMessage": "error-user-attribute-required", "params": ["username"]}
                )
        try:
            user = self.store.create_user(body)
        except Conflict as e:
            return conflict(str(e))
        for path in body.get("groups") or []:
            g = self.store.group_by_path(path)
            if g is None:
                self.store.delete_user(user["id"])
                return json_response(400, {"errorMessage": f"Group {path} not found"})
            user["_groups"].append(g["id"])
        for name in body.get("realmRoles") or []:
            role = self.store.role_by_name(name, None)
            if role and role["id"] not in user["_roles"]:
                user["_roles"].append(role["id"])
        return empty(201, self._location(req, user["id"]))

    def get_user(self, req: Request, uid: str) -> Response:
        return json_response(200, self.user_rep(self.store.user(uid), access=True))

    def put_user(self, req: Request, uid: str) -> Response:
        u = self.store.user(uid)
        body = req.json() or {}
        if body.get("username") and body["username"].lower() != u["username"]:
            if not self.store.d["realm"].get("editUsernameAllowed"):
                return json_response(
                    400, {"field": "username", "errorMessage": "error-user-attribute-read-only", "params": ["username"]}
                )
            if self.store.user_by_username(body["username"]):
                return conflict("User exists with same username")
            u["username"] = body["username"].lower()
        if "email" in body:
            email = (body.get("email") or "").strip().lower() or None
            other = self.store.user_by_email(email) if email else None
            if other and other["id"] != uid and not self.store.d["realm"].get("duplicateEmailsAllowed"):
                return conflict("User exists with same email")
            u["email"] = email
        for k in ("firstName", "lastName"):
            if k in body:
                u[k] = body[k]
        for k in ("enabled", "emailVerified"):
            if body.get(k) is not None:
                u[k] = bool(body[k])
        if body.get("requiredActions") is not None:
            u["requiredActions"] = list(body["requiredActions"])
        if body.get("attributes") is not None:
            u["attributes"] = self.store.managed_attributes(body["attributes"])
        if body.get("enabled") is False:
            self.store.end_sessions(uid)
        return empty(204)

    def delete_user(self, req: Request, uid: str) -> Response:
        self.store.delete_user(uid)
        return empty(204)

    def reset_password(self, req: Request, uid: str) -> Response:
        u = self.store.user(uid)
        body = req.json() or {}
        if not body.get("value"):
            return json_response(
                400,
                {
                    "error": "invalidPasswordMinLengthMessage",
                    "error_description": "Invalid password: minimum length 8.",
                },
            )
        u["_password"] = hash_password(body["value"])
        if body.get("temporary", True):
            if "UPDATE_PASSWORD" not in u["requiredActions"]:
                u["requiredActions"].append("UPDATE_PASSWORD")
        else:
            u["requiredActions"] = [a for a in u["requiredActions"] if a != "UPDATE_PASSWORD"]
        return empty(204)

    def _email_link(self, kind: str, user_id: str) -> str:
        key = secrets.token_urlsafe(24)
        return f"{self.oidc.issuer}/login-actions/action-token?key={key}&kind={kind}&user={user_id}"

    def execute_actions_email(self, req: Request, uid: str) -> Response:
        u = self.store.user(uid)
        actions = req.json() or []
        if not u.get("email"):
            return json_response(400, {"errorMessage": "User email missing"})
        if not u.get("enabled"):
            return json_response(400, {"errorMessage": "User is disabled"})
        client_id = req.q("client_id")
        redirect_uri = req.q("redirect_uri")
        if redirect_uri and not client_id:
            return json_response(400, {"errorMessage": "Client id missing"})
        lifespan = req.q_int("lifespan", int(self.store.d["realm"].get("actionTokenGeneratedByAdminLifespan", 43200)))
        self.store.sent_emails.append(
            {
                "type": "execute-actions",
                "to": u["email"],
                "user_id": uid,
                "username": u["username"],
                "actions": list(actions),
                "client_id": client_id,
                "redirect_uri": redirect_uri,
                "lifespan": lifespan,
                "link": self._email_link("execute-actions", uid),
                "sent_at": now(),
            }
        )
        return empty(204)

    def send_verify_email(self, req: Request, uid: str) -> Response:
        u = self.store.user(uid)
        if not u.get("email"):
            return json_response(400, {"errorMessage": "User email missing"})
        self.store.sent_emails.append(
            {
                "type": "verify-email",
                "to": u["email"],
                "user_id": uid,
                "link": self._email_link("verify-email", uid),
                "sent_at": now(),
            }
        )
        return empty(204)

    def _user_group_list(self, req: Request, uid: str) -> list[dict]:
        u = self.store.user(uid)
        groups = [self.store.d["groups"][g] for g in u["_groups"] if g in self.store.d["groups"]]
        search = req.q("search")
        if search:
            groups = [g for g in groups if _like(g["name"], search, False)]
        return sorted(groups, key=lambda g: self.store.group_path(g))

    def user_groups(self, req: Request, uid: str) -> Response:
        groups = _page(self._user_group_list(req, uid), req.q_int("first", 0), req.q_int("max", 100))
        brief = req.q_bool("briefRepresentation", True)
        out = []
        for g in groups:
            rep = self.group_rep(g, brief=brief)
            rep.pop("subGroupCount")
            rep.pop("subGroups")
            out.append(rep)
        return json_response(200, out)

    def user_groups_count(self, req: Request, uid: str) -> Response:
        return json_response(200, {"count": len(self._user_group_list(req, uid))})

    def user_group_add(self, req: Request, uid: str, gid: str) -> Response:
        u = self.store.user(uid)
        if gid not in self.store.d["groups"]:
            return err(404, "Group not found")
        if gid not in u["_groups"]:
            u["_groups"].append(gid)
        return empty(204)

    def user_group_remove(self, req: Request, uid: str, gid: str) -> Response:
        u = self.store.user(uid)
        if gid not in self.store.d["groups"]:
            return err(404, "Group not found")
        if gid in u["_groups"]:
            u["_groups"].remove(gid)
        return empty(204)

    def _roles_in(self, ids, container: str | None) -> list[dict]:
        cid = container or self.store.d["realm"]["id"]
        roles = [self.store.d["roles"][r] for r in ids if r in self.store.d["roles"]]
        return sorted((r for r in roles if r["containerId"] == cid), key=lambda r: r["name"])

    def user_role_mappings(self, req: Request, uid: str) -> Response:
        u = self.store.user(uid)
        body: dict = {}
        realm = self._roles_in(u["_roles"], None)
        if realm:
            body["realmMappings"] = [self.role_rep(r) for r in realm]
        clients = {}
        for c in self.store.d["clients"].values():
            roles = self._roles_in(u["_roles"], c["id"])
            if roles:
                clients[c["clientId"]] = {
                    "id": c["id"],
                    "client": c["clientId"],
                    "mappings": [self.role_rep(r) for r in roles],
                }
        if clients:
            body["clientMappings"] = clients
        return json_response(200, body)

    def user_realm_roles(self, req: Request, uid: str) -> Response:
        return json_response(200, [self.role_rep(r) for r in self._roles_in(self.store.user(uid)["_roles"], None)])

    def user_realm_roles_composite(self, req: Request, uid: str) -> Response:
        eff = self.store.effective_roles(self.store.user(uid))
        return json_response(200, [self.role_rep(r) for r in self._roles_in(eff, None)])

    def _resolve_roles(self, body, container: str | None) -> list[dict] | None:
        out = []
        for rep in body or []:
            role = (
                self.store.role_by_name(rep.get("name", ""), container)
                if rep.get("name")
                else (self.store.d["roles"].get(rep.get("id", "")))
            )
            if role is None or (rep.get("id") and rep["id"] != role["id"]):
                return None
            if role["containerId"] != (container or self.store.d["realm"]["id"]):
                return None
            out.append(role)
        return out

    def user_realm_roles_add(self, req: Request, uid: str, container: str | None = None) -> Response:
        u = self.store.user(uid)
        roles = self._resolve_roles(req.json(), container)
        if roles is None:
            return err(404, "Role not found")
        for r in roles:
            if r["id"] not in u["_roles"]:
                u["_roles"].append(r["id"])
        return empty(204)

    def user_realm_roles_remove(self, req: Request, uid: str, container: str | None = None) -> Response:
        u = self.store.user(uid)
        roles = self._resolve_roles(req.json(), container)
        if roles is None:
            return err(404, "Role not found")
        u["_roles"] = [r for r in u["_roles"] if r not in {x["id"] for x in roles}]
        return empty(204)

    def user_client_roles(self, req: Request, uid: str, cid: str) -> Response:
        self.store.client(cid)
        return json_response(200, [self.role_rep(r) for r in self._roles_in(self.store.user(uid)["_roles"], cid)])

    def user_client_roles_add(self, req: Request, uid: str, cid: str) -> Response:
        self.store.client(cid)
        return self.user_realm_roles_add(req, uid, cid)

    def user_client_roles_remove(self, req: Request, uid: str, cid: str) -> Response:
        self.store.client(cid)
        return self.user_realm_roles_remove(req, uid, cid)

    def user_sessions(self, req: Request, uid: str) -> Response:
        u = self.store.user(uid)
        out = []
        for s in list(self.store.d["sessions"].values()):
            if s["userId"] != uid or self.store.session(s["id"]) is None:
                continue
            clients = {}
            for client_id in s["clients"]:
                c = self.store.client_by_client_id(client_id)
                if c:
                    clients[c["id"]] = client_id
            out.append(
                {
                    "id": s["id"],
                    "username": u["username"],
                    "userId": uid,
                    "ipAddress": "127.0.0.1",
                    "start": s["start"] * 1000,
                    "lastAccess": s["lastAccess"] * 1000,
                    "rememberMe": False,
                    "clients": clients,
                    "transientUser": False,
                }
            )
        return json_response(200, out)

    def user_logout(self, req: Request, uid: str) -> Response:
        u = self.store.user(uid)
        self.store.end_sessions(uid)
        u["_not_before"] = now()
        return empty(204)

    # ------------------------------------------------------------------ groups
    def _group_tree(self, g: dict, brief: bool, match=None) -> dict | None:
        rep = self.group_rep(g, brief=brief)
        if match is None:
            return rep
        kids = [k for k in (self._group_tree(c, brief, match) for c in self.store.children(g["id"])) if k]
        if kids or match(g):
            rep["subGroups"] = kids
            return rep
        return None

    def list_groups(self, req: Request) -> Response:
        brief = req.q_bool("briefRepresentation", True)
        search = req.q("search")
        exact = req.q_bool("exact", False)
        q = req.q("q")
        match = None
        if search:
            match = lambda g: _like(g["name"], search, exact)  # noqa: E731
        elif q:
            pairs = [p.partition(":") for p in q.split()]
            match = lambda g: all(v in g.get("attributes", {}).get(k, []) for k, _, v in pairs)  # noqa: E731
        tops = self.store.children(None)
        reps = [r for r in (self._group_tree(g, brief, match) for g in tops) if r]
        if match is not None and req.q_bool("populateHierarchy", True) is False:
            flat = [self.group_rep(g, brief) for g in self.store.d["groups"].values() if match(g)]
            reps = sorted(flat, key=lambda r: r["path"])
        return json_response(200, _page(reps, req.q_int("first", 0), req.q_int("max", None)))

    def count_groups(self, req: Request) -> Response:
        tops = self.store.children(None)
        search = req.q("search")
        if search:
            tops = [g for g in tops if _like(g["name"], search, False)]
        return json_response(200, {"count": len(tops)})

    def create_group(self, req: Request, parent: str | None = None) -> Response:
        body = req.json() or {}
        if not body.get("name"):
            return json_response(400, {"errorMessage": "Group name is missing"})
        try:
            g = self.store.create_group(body, parent)
        except Conflict as e:
            return conflict(str(e))
        if parent is None:
            return empty(201, self._location(req, g["id"]))
        base = req.base_url + f"admin/realms/{self.store.realm_name}/groups/{g['id']}"
        return json_response(201, self.group_rep(g, brief=False), [("Location", base)])

    def get_group(self, req: Request, gid: str) -> Response:
        return json_response(200, self.group_rep(self.store.group(gid), brief=False, access=True))

    def put_group(self, req: Request, gid: str) -> Response:
        g = self.store.group(gid)
        body = req.json() or {}
        name = body.get("name")
        if name and name != g["name"]:
            if any(s["name"] == name for s in self.store.children(g["parentId"])):
                return conflict(
                    f"Sibling group named '{name}' already exists."
                    if g["parentId"]
                    else f"Top level group named '{name}' already exists."
                )
            g["name"] = name
        if body.get("attributes") is not None:
            g["attributes"] = body["attributes"]
        return empty(204)

    def delete_group(self, req: Request, gid: str) -> Response:
        self.store.delete_group(gid)
        return empty(204)

    def group_children(self, req: Request, gid: str) -> Response:
        self.store.group(gid)
        kids = self.store.children(gid)
        search = req.q("search")
        if search:
            kids = [k for k in kids if _like(k["name"], search, req.q_bool("exact", False))]
        brief = req.q_bool("briefRepresentation", False)
        return json_response(
            200, [self.group_rep(k, brief=brief) for k in _page(kids, req.q_int("first", 0), req.q_int("max", 10))]
        )

    def create_child(self, req: Request, gid: str) -> Response:
        self.store.group(gid)
        return self.create_group(req, parent=gid)

    def group_members(self, req: Request, gid: str) -> Response:
        self.store.group(gid)
        users = sorted((u for u in self.store.d["users"].values() if gid in u["_groups"]), key=lambda u: u["username"])
        brief = req.q_bool("briefRepresentation", False)
        return json_response(
            200, [self.user_rep(u, brief=brief) for u in _page(users, req.q_int("first", 0), req.q_int("max", 100))]
        )

    def group_by_path(self, req: Request, path: str) -> Response:
        g = self.store.group_by_path(path)
        if g is None:
            return err(404, "Group path does not exist")
        return json_response(200, self.group_rep(g, brief=False, access=True))

    # ------------------------------------------------------------------ roles
    def list_roles(self, req: Request) -> Response:
        roles = self.store.roles_of(None)
        search = req.q("search")
        if search:
            roles = [r for r in roles if _like(r["name"], search, False)]
        brief = req.q_bool("briefRepresentation", True)
        return json_response(
            200, [self.role_rep(r, brief) for r in _page(roles, req.q_int("first", 0), req.q_int("max", None))]
        )

    def get_role(self, req: Request, name: str) -> Response:
        r = self.store.role_by_name(name, None)
        if r is None:
            return err(404, "Could not find role")
        return json_response(200, self.role_rep(r, brief=False))

    def create_role(self, req: Request) -> Response:
        body = req.json() or {}
        name = body.get("name")
        if not name:
            return json_response(400, {"errorMessage": "Role name is missing"})
        if self.store.role_by_name(name, None):
            return conflict(f"Role with name {name} already exists")
        self.store._put_role(body, None)
        return empty(201, self._location(req, name))

    def role_users(self, req: Request, name: str) -> Response:
        r = self.store.role_by_name(name, None)
        if r is None:
            return err(404, "Could not find role")
        users = sorted(
            (u for u in self.store.d["users"].values() if r["id"] in u["_roles"]), key=lambda u: u["username"]
        )
        return json_response(
            200,
            [
                self.user_rep(u, brief=req.q_bool("briefRepresentation", True))
                for u in _page(users, req.q_int("first", 0), req.q_int("max", 100))
            ],
        )

    # ------------------------------------------------------------------ clients
    def list_clients(self, req: Request) -> Response:
        clients = sorted(self.store.d["clients"].values(), key=lambda c: c["clientId"])
        client_id = req.q("clientId")
        if client_id:
            if req.q_bool("search", False):
                clients = [c for c in clients if client_id.lower() in c["clientId"].lower()]
            else:
                clients = [c for c in clients if c["clientId"] == client_id]
        return json_response(
            200, [self.client_rep(c) for c in _page(clients, req.q_int("first", 0), req.q_int("max", None))]
        )

    def get_client(self, req: Request, cid: str) -> Response:
        return json_response(200, self.client_rep(self.store.client(cid)))

    def put_client(self, req: Request, cid: str) -> Response:
        c = self.store.client(cid)
        body = req.json() or {}
        if (
            body.get("clientId")
            and body["clientId"] != c["clientId"]
            and self.store.client_by_client_id(body["clientId"])
        ):
            return conflict(f"Client {body['clientId']} already exists")
        for k, v in body.items():
            if k == "id" or v is None:
                continue
            if k == "attributes":
                c["attributes"].update(v)
            else:
                c[k] = v
        if c.get("serviceAccountsEnabled") and not self.store.service_account_user(c["id"]):
            u = self.store.create_user({"username": f"service-account-{c['clientId']}", "enabled": True})
            u["_service_account_client"] = c["id"]
        return empty(204)

    def client_secret(self, req: Request, cid: str) -> Response:
        c = self.store.client(cid)
        return json_response(200, {"type": "secret", "value": c.get("secret")})

    def client_roles(self, req: Request, cid: str) -> Response:
        self.store.client(cid)
        return json_response(200, [self.role_rep(r) for r in self.store.roles_of(cid)])

    def service_account_user(self, req: Request, cid: str) -> Response:
        c = self.store.client(cid)
        u = self.store.service_account_user(cid)
        if not c.get("serviceAccountsEnabled") or u is None:
            return err(400, f"Service account not enabled for the client '{c['clientId']}'")
        return json_response(200, self.user_rep(u))

    # ------------------------------------------------------------------ organizations
    def _search_orgs(self, req: Request) -> list[dict]:
        orgs = sorted(self.store.d["orgs"].values(), key=lambda o: o["name"])
        search = req.q("search")
        if search:
            if req.q_bool("exact", False):
                orgs = [o for o in orgs if o["name"] == search]
            else:
                s = search.lower()
                orgs = [o for o in orgs if s in o["name"].lower() or any(s in d["name"].lower() for d in o["domains"])]
        q = req.q("q")
        if q:
            for pair in q.split():
                k, _, v = pair.partition(":")
                orgs = [o for o in orgs if v in o.get("attributes", {}).get(k, [])]
        return orgs

    def list_orgs(self, req: Request) -> Response:
        orgs = _page(self._search_orgs(req), req.q_int("first", 0), req.q_int("max", 10))
        brief = req.q_bool("briefRepresentation", True)
        return json_response(200, [self.org_rep(o, brief=brief) for o in orgs])

    def count_orgs(self, req: Request) -> Response:
        return json_response(200, len(self._search_orgs(req)))

    def _alias_problem(self, value: str) -> str | None:
        if " " in value:
            return "Empty Space not allowed."
        bad = next((ch for ch in value if ch in ALIAS_FORBIDDEN), None)
        return f"Character '{bad}' not allowed." if bad else None

    def _domain_problem(self, domains, org_id: str | None) -> Response | None:
        for dm in domains or []:
            for other in self.store.d["orgs"].values():
                if other["id"] != org_id and any(x["name"] == dm.get("name") for x in other["domains"]):
                    return json_response(
                        400,
                        {
                            "errorMessage": f"Domain {dm.get('name')} is already linked to "
                            f"organization {other['name']} in realm {self.store.realm_name}"
                        },
                    )
        return None

    def create_org(self, req: Request) -> Response:
        body = req.json()
        if body is None:
            return json_response(400, {"errorMessage": "Organization cannot be null."})
        if not body.get("name"):
            return json_response(400, {"errorMessage": "Name can not be null"})
        if body.get("alias"):
            problem = self._alias_problem(body["alias"])
            if problem:
                return json_response(400, {"error": problem})
        else:
            problem = self._alias_problem(body["name"])
            if problem:
                return json_response(400, {"errorMessage": f"Name cannot be used as alias: {problem}"})
        bad = self._domain_problem(body.get("domains"), None)
        if bad:
            return bad
        try:
            org = self.store.create_org({k: v for k, v in body.items() if k != "id"})
        except Conflict as e:
            return conflict(str(e))
        return empty(201, self._location(req, org["id"]))

    def get_org(self, req: Request, oid: str) -> Response:
        return json_response(200, self.org_rep(self.store.org(oid)))

    def put_org(self, req: Request, oid: str) -> Response:
        o = self.store.org(oid)
        body = req.json()
        if body is None:
            return json_response(
                500, {"error": "unknown_error", "error_description": "For more on this error consult the server log."}
            )
        if not body.get("name"):
            return json_response(400, {"errorMessage": "Name can not be null"})
        if (body.get("alias") or body["name"]) != o["alias"]:
            return json_response(400, {"errorMessage": "Cannot change the alias"})
        if any(x["id"] != oid and x["name"] == body["name"] for x in self.store.d["orgs"].values()):
            return conflict("A organization with the same name already exists.")
        bad = self._domain_problem(body.get("domains"), oid)
        if bad:
            return bad
        o["name"] = body["name"]
        o["enabled"] = body.get("enabled", True) is not False
        o["description"] = body.get("description")
        o["redirectUrl"] = body.get("redirectUrl")
        o["domains"] = [
            {"name": d["name"], "verified": bool(d.get("verified", False))} for d in body.get("domains") or []
        ]
        if body.get("attributes") is not None:  # absent attributes survive a PUT, as in Keycloak
            o["attributes"] = {k: (v if isinstance(v, list) else [v]) for k, v in body["attributes"].items()}
        return empty(204)

    def delete_org(self, req: Request, oid: str) -> Response:
        self.store.delete_org(oid)
        return empty(204)

    def _org_member_list(self, req: Request, o: dict) -> list[dict]:
        users = [self.store.d["users"][u] for u in o["_members"] if u in self.store.d["users"]]
        search = req.q("search")
        if search:
            ex = req.q_bool("exact", False)
            users = [
                u
                for u in users
                if any(_like(u.get(k), search, ex) for k in ("username", "email", "firstName", "lastName"))
            ]
        return sorted(users, key=lambda u: u["username"])

    def _member_rep(self, o: dict, u: dict) -> dict:
        return dict(self.user_rep(u), membershipType=o["_members"][u["id"]])

    def org_members(self, req: Request, oid: str) -> Response:
        o = self.store.org(oid)
        users = _page(self._org_member_list(req, o), req.q_int("first", 0), req.q_int("max", 10))
        return json_response(200, [self._member_rep(o, u) for u in users])

    def org_members_count(self, req: Request, oid: str) -> Response:
        return json_response(200, len(self._org_member_list(req, self.store.org(oid))))

    def org_member(self, req: Request, oid: str, uid: str) -> Response:
        o = self.store.org(oid)
        if uid not in o["_members"] or uid not in self.store.d["users"]:
            return err(404, "HTTP 404 Not Found")
        return json_response(200, self._member_rep(o, self.store.d["users"][uid]))

    def org_member_add(self, req: Request, oid: str) -> Response:
        o = self.store.org(oid)
        raw = req.body.decode("utf-8", "replace").strip()
        if raw.startswith('"'):
            try:
                raw = json.loads(raw)
            except json.JSONDecodeError:
                pass
        user = self.store.d["users"].get(raw)
        if user is None:
            return json_response(400, {"errorMessage": "User does not exist"})
        if user["id"] in o["_members"]:
            return conflict("User is already a member of the organization.")
        o["_members"][user["id"]] = "UNMANAGED"
        return empty(201, self._location(req, user["id"]))

    def org_member_remove(self, req: Request, oid: str, uid: str) -> Response:
        o = self.store.org(oid)
        if uid not in o["_members"]:
            return err(404, "HTTP 404 Not Found")
        kind = o["_members"].pop(uid)
        if kind == "MANAGED" and uid in self.store.d["users"]:
            self.store.delete_user(uid)  # Keycloak removes a managed member's account with the membership
        return empty(204)

    def org_invite_user(self, req: Request, oid: str) -> Response:
        o = self.store.org(oid)
        form = req.form()
        email = (form.get("email") or "").strip().lower()
        first = form.get("firstName") or form.get("first-name")
        last = form.get("lastName") or form.get("last-name")
        if not email:
            return json_response(
                400, {"errorMessage": "To invite a member you need to provide an email and/or username"}
            )
        user = self.store.user_by_email(email)
        if user is not None and user["id"] in o["_members"]:
            return conflict("User already a member of the organization")
        kind = "org-invite-existing" if user else "org-invite-registration"
        self.store.sent_emails.append(
            {
                "type": kind,
                "to": email,
                "organization": o["alias"],
                "org_id": o["id"],
                "firstName": first,
                "lastName": last,
                "user_id": user["id"] if user else None,
                "link": self._email_link(kind, user["id"] if user else ""),
                "sent_at": now(),
            }
        )
        return empty(204)

    def org_invite_existing(self, req: Request, oid: str) -> Response:
        o = self.store.org(oid)
        form = req.form()
        user = self.store.d["users"].get(form.get("id", "")) or self.store.user_by_username(form.get("username", ""))
        if user is None:
            return json_response(400, {"errorMessage": "User does not exist"})
        if user["id"] in o["_members"]:
            return conflict("User already a member of the organization")
        if not user.get("email"):
            return json_response(400, {"errorMessage": "Invalid email address: null"})
        self.store.sent_emails.append(
            {
                "type": "org-invite-existing",
                "to": user["email"],
                "organization": o["alias"],
                "org_id": o["id"],
                "user_id": user["id"],
                "link": self._email_link("org-invite-existing", user["id"]),
                "sent_at": now(),
            }
        )
        return empty(204)

    def member_orgs(self, req: Request, uid: str) -> Response:
        self.store.user(uid)
        brief = req.q_bool("briefRepresentation", True)
        return json_response(200, [self.org_rep(o, brief=brief) for o in self.store.user_orgs(uid)])
