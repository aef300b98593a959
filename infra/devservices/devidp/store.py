"""The development identity provider's data: realm, users, groups, roles, clients, organizations, sessions.

Everything lives in one dict guarded by one lock; with a state path it is written to JSON after each change
and read back at start. The realm comes from a Keycloak realm export (infra/keycloak/realm-ratusz.json), and
what real Keycloak adds on import (built-in clients, realm-management roles, default roles) is added here too.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
import uuid
from pathlib import Path

from joserfc.jwk import OctKey, RSAKey

DEFAULT_REALM_FILE = Path(__file__).resolve().parents[2] / "keycloak" / "realm-ratusz.json"

# realm-management client roles as Keycloak 26 creates them, with their composites.
REALM_MANAGEMENT_ROLES = {
    "create-client": [],
    "impersonation": [],
    "manage-authorization": [],
    "manage-clients": [],
    "manage-events": [],
    "manage-identity-providers": [],
    "manage-realm": [],
    "manage-users": [],
    "query-clients": [],
    "query-groups": [],
    "query-realms": [],
    "query-users": [],
    "view-authorization": [],
    "view-clients": ["query-clients"],
    "view-events": [],
    "view-identity-providers": [],
    "view-realm": [],
    "view-users": ["query-users", "query-groups"],
}
ACCOUNT_ROLES = {
    "manage-account": ["manage-account-links"],
    "manage-account-links": [],
    "view-profile": [],
    "view-applications": [],
    "view-consent": [],
    "manage-consent": ["view-consent"],
    "view-groups": [],
    "delete-account": [],
}


def now() -> int:
    return int(time.time())


def new_id() -> str:
    return str(uuid.uuid4())


def hash_password(password: str, salt: str | None = None) -> dict:
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), 27500)
    return {"algorithm": "pbkdf2-sha256", "salt": salt, "hash": base64.b64encode(digest).decode()}


def check_password(stored: dict | None, password: str) -> bool:
    if not stored or not password:
        return False
    expected = hash_password(password, stored["salt"])["hash"]
    return hmac.compare_digest(expected, stored["hash"])


class NotFound(Exception):
    pass


class Conflict(Exception):
    pass


class Store:
    def __init__(self, *, realm_file=None, state_path=None, users=(), redirect_uris=None, post_logout_uris=None):
        self.lock = threading.RLock()
        self.state_path = Path(state_path) if state_path else None
        self.codes: dict[str, dict] = {}  # authorization codes live only in memory (60 s)
        self.auth_sessions: dict[str, dict] = {}  # pending login forms (tab ids)
        self.sent_emails: list[dict] = []
        if self.state_path and self.state_path.exists():
            self.d = json.loads(self.state_path.read_text())
        else:
            self.d = self._import_realm(json.loads(Path(realm_file or DEFAULT_REALM_FILE).read_text()))
        self._keys()
        web = self.client_by_client_id("ratusz-web")
        if web is not None:
            if redirect_uris:
                web["redirectUris"] = list(redirect_uris)
            if post_logout_uris:
                web.setdefault("attributes", {})["post.logout.redirect.uris"] = "##".join(post_logout_uris)
        for user in users:
            self.add_demo_user(user)
        self.save()

    # ----------------------------------------------------------------- import
    def _import_realm(self, rep: dict) -> dict:
        rep = copy.deepcopy(rep)
        realm_id = rep.get("id") or new_id()
        d = {
            "realm": {},
            "users": {},
            "groups": {},
            "roles": {},
            "clients": {},
            "client_scopes": {},
            "orgs": {},
            "sessions": {},
            "keys": {},
        }
        body = {
            k: v
            for k, v in rep.items()
            if k not in ("users", "groups", "roles", "clients", "clientScopes", "organizations", "components")
        }
        body["id"] = realm_id
        # Keycloak 24+ keeps only user attributes declared in the user profile (unmanaged attributes are
        # dropped unless the realm enables them); the declared names are kept here for the same rule.
        d["user_profile"] = []
        for comp in (rep.get("components") or {}).get("org.keycloak.userprofile.UserProfileProvider", []):
            for raw in comp.get("config", {}).get("kc.user.profile.config", []):
                d["user_profile"] += [a["name"] for a in json.loads(raw).get("attributes", [])]
        d["unmanaged_attributes"] = not d["user_profile"]
        body.setdefault("enabled", True)
        body.setdefault("defaultRole", {"name": f"default-roles-{rep['realm']}"})
        d["realm"] = body
        self.d = d
        for scope in rep.get("clientScopes", []):
            scope = dict(scope, id=scope.get("id") or new_id())
            for m in scope.get("protocolMappers", []):
                m.setdefault("id", new_id())
            d["client_scopes"][scope["id"]] = scope
        # built-in clients Keycloak creates for every realm (only the ones whose roles matter here)
        builtins = {
            "realm-management": {"bearerOnly": True, "name": "${client_realm-management}"},
            "account": {
                "publicClient": True,
                "name": "${client_account}",
                "baseUrl": f"/realms/{rep['realm']}/account/",
            },
            "broker": {"bearerOnly": True, "name": "${client_broker}"},
            "admin-cli": {"publicClient": True, "directAccessGrantsEnabled": True, "name": "${client_admin-cli}"},
        }
        clients = list(rep.get("clients", []))
        present = {c["clientId"] for c in clients}
        for client_id, extra in builtins.items():
            if client_id not in present:
                clients.append(
                    {
                        "clientId": client_id,
                        "enabled": True,
                        "standardFlowEnabled": client_id == "account",
                        "redirectUris": [],
                        "webOrigins": [],
                        "attributes": {},
                        **extra,
                    }
                )
        for c in clients:
            c = copy.deepcopy(c)
            c["id"] = c.get("id") or new_id()
            c.setdefault("enabled", True)
            c.setdefault("protocol", "openid-connect")
            c.setdefault("publicClient", False)
            c.setdefault("bearerOnly", False)
            c.setdefault("standardFlowEnabled", True)
            c.setdefault("directAccessGrantsEnabled", False)
            c.setdefault("serviceAccountsEnabled", False)
            c.setdefault("redirectUris", [])
            c.setdefault("webOrigins", [])
            c.setdefault("attributes", {})
            c.setdefault("defaultClientScopes", list(rep.get("defaultDefaultClientScopes", [])))
            c.setdefault("optionalClientScopes", list(rep.get("defaultOptionalClientScopes", [])))
            for m in c.setdefault("protocolMappers", []):
                m.setdefault("id", new_id())
            if not c["publicClient"] and not c["bearerOnly"] and not c.get("secret"):
                c["secret"] = secrets.token_urlsafe(24)
            d["clients"][c["id"]] = c
        # roles
        realm_roles = list(rep.get("roles", {}).get("realm", []))
        names = {r["name"] for r in realm_roles}
        default_role = d["realm"]["defaultRole"]["name"]
        for name, desc in (
            ("offline_access", "${role_offline-access}"),
            ("uma_authorization", "${role_uma_authorization}"),
            (default_role, "${role_default-roles}"),
        ):
            if name not in names:
                realm_roles.append({"name": name, "description": desc})
        for r in realm_roles:
            self._put_role(r, None)
        client_roles = dict(rep.get("roles", {}).get("client", {}))
        client_roles.setdefault("realm-management", [])
        client_roles.setdefault("account", [])
        for client_id, roles in client_roles.items():
            client = self.client_by_client_id(client_id)
            if client is None:
                continue
            have = {r["name"] for r in roles}
            defaults = (
                REALM_MANAGEMENT_ROLES
                if client_id == "realm-management"
                else (ACCOUNT_ROLES if client_id == "account" else {})
            )
            roles = list(roles) + [{"name": n} for n in defaults if n not in have]
            for r in roles:
                self._put_role(r, client["id"])
            for n, comps in defaults.items():
                role = self.role_by_name(n, client["id"])
                role["_composites"] = [self.role_by_name(c, client["id"])["id"] for c in comps]
                role["composite"] = bool(comps)
        rm = self.client_by_client_id("realm-management")
        admin = self.role_by_name("realm-admin", rm["id"]) or self._put_role({"name": "realm-admin"}, rm["id"])
        admin["_composites"] = [r["id"] for r in self.roles_of(rm["id"]) if r["name"] != "realm-admin"]
        admin["composite"] = True
        dr = self.role_by_name(default_role, None)
        if not dr.get("_composites"):
            acct = self.client_by_client_id("account")
            dr["_composites"] = [
                self.role_by_name("offline_access", None)["id"],
                self.role_by_name("uma_authorization", None)["id"],
                self.role_by_name("view-profile", acct["id"])["id"],
                self.role_by_name("manage-account", acct["id"])["id"],
            ]
            dr["composite"] = True
        # groups
        for g in rep.get("groups", []):
            self._import_group(g, None)
        # users (the service-account users of the export; demo users come separately)
        for u in rep.get("users", []):
            self._import_user(u)
        for c in d["clients"].values():
            if c.get("serviceAccountsEnabled") and not self.service_account_user(c["id"]):
                self._import_user(
                    {
                        "username": f"service-account-{c['clientId']}",
                        "enabled": True,
                        "serviceAccountClientId": c["clientId"],
                        "realmRoles": [default_role],
                    }
                )
        for o in rep.get("organizations", []):
            self.create_org(o)
        return d

    def _put_role(self, r: dict, container: str | None) -> dict:
        role = {
            "id": r.get("id") or new_id(),
            "name": r["name"],
            "description": r.get("description"),
            "composite": bool(r.get("composite")),
            "clientRole": container is not None,
            "containerId": container or self.d["realm"]["id"],
            "attributes": r.get("attributes") or {},
            "_composites": [],
        }
        if role["description"] is None:
            role.pop("description")
        self.d["roles"][role["id"]] = role
        return role

    def _import_group(self, g: dict, parent: str | None) -> None:
        gid = g.get("id") or new_id()
        self.d["groups"][gid] = {
            "id": gid,
            "name": g["name"],
            "parentId": parent,
            "attributes": g.get("attributes") or {},
            "_realm_roles": [],
        }
        for name in g.get("realmRoles", []):
            role = self.role_by_name(name, None)
            if role:
                self.d["groups"][gid]["_realm_roles"].append(role["id"])
        for sub in g.get("subGroups", []):
            self._import_group(sub, gid)

    def _import_user(self, u: dict) -> dict:
        user = self.create_user(
            {k: v for k, v in u.items() if k not in ("realmRoles", "clientRoles", "groups", "serviceAccountClientId")}
        )
        if u.get("serviceAccountClientId"):
            client = self.client_by_client_id(u["serviceAccountClientId"])
            user["_service_account_client"] = client["id"] if client else None
        for name in u.get("realmRoles", []):
            role = self.role_by_name(name, None)
            if role and role["id"] not in user["_roles"]:
                user["_roles"].append(role["id"])
        for client_id, names in u.get("clientRoles", {}).items():
            client = self.client_by_client_id(client_id)
            for name in names:
                role = client and self.role_by_name(name, client["id"])
                if role and role["id"] not in user["_roles"]:
                    user["_roles"].append(role["id"])
        for path in u.get("groups", []):
            g = self.group_by_path(path, create=True)
            if g["id"] not in user["_groups"]:
                user["_groups"].append(g["id"])
        return user

    def add_demo_user(self, u: dict) -> dict:
        existing = self.user_by_username(u["username"])
        if existing:
            return existing
        spec = {k: v for k, v in u.items() if k not in ("password", "organizations")}
        spec.setdefault("enabled", True)
        spec.setdefault("emailVerified", True)
        user = self._import_user(spec)
        if u.get("password"):
            user["_password"] = hash_password(u["password"])
        for alias in u.get("organizations", []):
            org = self.org_by_alias(alias)
            if org is None:
                org = self.create_org({"name": alias, "alias": alias})
            org["_members"][user["id"]] = "UNMANAGED"
        return user

    def _keys(self) -> None:
        keys = self.d.setdefault("keys", {})
        if "rsa" not in keys:
            key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, auto_kid=True)
            keys["rsa"] = key.as_dict(private=True)
        if "hmac" not in keys:
            keys["hmac"] = base64.urlsafe_b64encode(os.urandom(64)).decode()
        self.rsa_key = RSAKey.import_key(keys["rsa"])
        self.hmac_key = OctKey.import_key(base64.urlsafe_b64decode(keys["hmac"]))

    def save(self) -> None:
        if not self.state_path:
            return
        with self.lock:
            tmp = self.state_path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.d, indent=1, ensure_ascii=False))
            tmp.replace(self.state_path)

    # ----------------------------------------------------------------- lookups
    def _existing(self, collection: str, key: str, not_found: str) -> dict:
        """The entry of `collection` under `key`; Keycloak's 404 message for its kind when there is none."""
        entry = self.d[collection].get(key)
        if entry is None:
            raise NotFound(not_found)
        return entry

    @property
    def realm_name(self) -> str:
        return self.d["realm"]["realm"]

    def client_by_client_id(self, client_id: str) -> dict | None:
        return next((c for c in self.d["clients"].values() if c["clientId"] == client_id), None)

    def client(self, uuid_: str) -> dict:
        return self._existing("clients", uuid_, "Could not find client")

    def roles_of(self, container: str | None) -> list[dict]:
        cid = container or self.d["realm"]["id"]
        return sorted((r for r in self.d["roles"].values() if r["containerId"] == cid), key=lambda r: r["name"])

    def role_by_name(self, name: str, container: str | None) -> dict | None:
        return next((r for r in self.roles_of(container) if r["name"] == name), None)

    def scope_by_name(self, name: str) -> dict | None:
        return next((s for s in self.d["client_scopes"].values() if s["name"] == name), None)

    def user(self, user_id: str) -> dict:
        return self._existing("users", user_id, "User not found")

    def user_by_username(self, username: str) -> dict | None:
        username = (username or "").lower()
        return next((u for u in self.d["users"].values() if u["username"] == username), None)

    def user_by_email(self, email: str) -> dict | None:
        email = (email or "").lower()
        return next((u for u in self.d["users"].values() if email and u.get("email") == email), None)

    def service_account_user(self, client_uuid: str) -> dict | None:
        return next((u for u in self.d["users"].values() if u.get("_service_account_client") == client_uuid), None)

    def group(self, group_id: str) -> dict:
        return self._existing("groups", group_id, "Could not find group by id")

    def group_path(self, g: dict) -> str:
        parts = []
        while g is not None:
            parts.append(g["name"])
            g = self.d["groups"].get(g["parentId"]) if g["parentId"] else None
        return "/" + "/".join(reversed(parts))

    def children(self, group_id: str | None) -> list[dict]:
        return sorted((g for g in self.d["groups"].values() if g["parentId"] == group_id), key=lambda g: g["name"])

    def group_by_path(self, path: str, create: bool = False) -> dict | None:
        parent = None
        node = None
        for name in [p for p in path.strip("/").split("/") if p]:
            node = next((g for g in self.children(parent) if g["name"] == name), None)
            if node is None:
                if not create:
                    return None
                node = self.create_group({"name": name}, parent)
            parent = node["id"]
        return node

    def org(self, org_id: str) -> dict:
        return self._existing("orgs", org_id, "Organization not found.")

    def org_by_alias(self, alias: str) -> dict | None:
        return next((o for o in self.d["orgs"].values() if o["alias"] == alias), None)

    def user_orgs(self, user_id: str) -> list[dict]:
        return sorted((o for o in self.d["orgs"].values() if user_id in o["_members"]), key=lambda o: o["name"])

    # ----------------------------------------------------------------- role resolution
    def expand_roles(self, role_ids) -> set[str]:
        seen: set[str] = set()
        stack = list(role_ids)
        while stack:
            rid = stack.pop()
            if rid in seen or rid not in self.d["roles"]:
                continue
            seen.add(rid)
            stack.extend(self.d["roles"][rid].get("_composites", []))
        return seen

    def effective_roles(self, user: dict) -> set[str]:
        direct = list(user["_roles"])
        for gid in user["_groups"]:
            g = self.d["groups"].get(gid)
            while g is not None:  # group role mappings are inherited from parent groups
                direct.extend(g.get("_realm_roles", []))
                g = self.d["groups"].get(g["parentId"]) if g["parentId"] else None
        return self.expand_roles(direct)

    def has_client_role(self, user: dict, client_id: str, names) -> bool:
        client = self.client_by_client_id(client_id)
        if client is None:
            return False
        eff = self.effective_roles(user)
        return any(
            self.d["roles"][rid]["name"] in names for rid in eff if self.d["roles"][rid]["containerId"] == client["id"]
        )

    # ----------------------------------------------------------------- mutations
    def create_user(self, rep: dict) -> dict:
        username = (rep.get("username") or "").strip().lower()
        email = (rep.get("email") or "").strip().lower() or None
        if self.user_by_username(username):
            raise Conflict("User exists with same username")
        if email and not self.d["realm"].get("duplicateEmailsAllowed") and self.user_by_email(email):
            raise Conflict("User exists with same email")
        user = {
            "id": new_id(),
            "username": username,
            "firstName": rep.get("firstName"),
            "lastName": rep.get("lastName"),
            "email": email,
            "emailVerified": bool(rep.get("emailVerified", False)),
            "enabled": bool(rep.get("enabled", False)),
            "createdTimestamp": int(time.time() * 1000),
            "attributes": self.managed_attributes(rep.get("attributes")),
            "requiredActions": list(rep.get("requiredActions") or []),
            "_roles": [],
            "_groups": [],
            "_password": None,
            "_not_before": 0,
        }
        default = self.role_by_name(self.d["realm"]["defaultRole"]["name"], None)
        if default:
            user["_roles"].append(default["id"])
        for cred in rep.get("credentials") or []:
            if cred.get("type", "password") == "password" and cred.get("value"):
                user["_password"] = hash_password(cred["value"])
        self.d["users"][user["id"]] = user
        return user

    def managed_attributes(self, attrs: dict | None) -> dict:
        builtin = {"username", "email", "firstName", "lastName"}
        keep = self.d.get("unmanaged_attributes", True)
        declared = set(self.d.get("user_profile", []))
        return {
            k: (v if isinstance(v, list) else [v])
            for k, v in (attrs or {}).items()
            if k not in builtin and (keep or k in declared)
        }

    def delete_user(self, user_id: str) -> None:
        self.user(user_id)
        del self.d["users"][user_id]
        for o in self.d["orgs"].values():
            o["_members"].pop(user_id, None)
        self.end_sessions(user_id)

    def create_group(self, rep: dict, parent: str | None) -> dict:
        name = rep.get("name")
        if any(g["name"] == name for g in self.children(parent)):
            if parent is None:
                raise Conflict(f"Top level group named '{name}' already exists.")
            raise Conflict(f"Sibling group named '{name}' already exists.")
        g = {
            "id": new_id(),
            "name": name,
            "parentId": parent,
            "attributes": rep.get("attributes") or {},
            "_realm_roles": [],
        }
        self.d["groups"][g["id"]] = g
        return g

    def delete_group(self, group_id: str) -> None:
        self.group(group_id)
        doomed = [group_id]
        i = 0
        while i < len(doomed):
            doomed.extend(g["id"] for g in self.children(doomed[i]))
            i += 1
        for gid in doomed:
            self.d["groups"].pop(gid, None)
        for u in self.d["users"].values():
            u["_groups"] = [g for g in u["_groups"] if g not in doomed]

    def create_org(self, rep: dict) -> dict:
        name = rep.get("name")
        alias = rep.get("alias") or name
        if any(o["name"] == name for o in self.d["orgs"].values()):
            raise Conflict("A organization with the same name already exists.")
        if any(o["alias"] == alias for o in self.d["orgs"].values()):
            raise Conflict("A organization with the same alias already exists")
        org = {
            "id": new_id(),
            "name": name,
            "alias": alias,
            "enabled": rep.get("enabled", True) is not False,
            "description": rep.get("description"),
            "redirectUrl": rep.get("redirectUrl"),
            "attributes": {k: (v if isinstance(v, list) else [v]) for k, v in (rep.get("attributes") or {}).items()},
            "domains": [
                {"name": dm["name"], "verified": bool(dm.get("verified", False))} for dm in rep.get("domains") or []
            ],
            "_members": {},
        }
        self.d["orgs"][org["id"]] = org
        return org

    def delete_org(self, org_id: str) -> None:
        org = self.org(org_id)
        # Keycloak deletes MANAGED members (created through the organization's identity provider) together
        # with the organization; UNMANAGED members only lose the membership.
        for user_id, kind in list(org["_members"].items()):
            if kind == "MANAGED" and user_id in self.d["users"]:
                self.delete_user(user_id)
        del self.d["orgs"][org_id]

    # ----------------------------------------------------------------- sessions
    def new_session(self, user_id: str) -> dict:
        sid = new_id()
        s = {
            "id": sid,
            "userId": user_id,
            "start": now(),
            "lastAccess": now(),
            "clients": [],
            "cookie": secrets.token_urlsafe(32),
            "auth_time": now(),
        }
        self.d["sessions"][sid] = s
        return s

    def session(self, sid: str | None) -> dict | None:
        s = self.d["sessions"].get(sid or "")
        if s is None:
            return None
        idle = int(self.d["realm"].get("ssoSessionIdleTimeout", 1800))
        max_life = int(self.d["realm"].get("ssoSessionMaxLifespan", 36000))
        if now() > s["lastAccess"] + idle + 120 or now() > s["start"] + max_life:  # Keycloak adds a 2-minute window
            self.d["sessions"].pop(s["id"], None)
            return None
        if s["userId"] not in self.d["users"]:
            return None
        return s

    def session_by_cookie(self, cookie: str | None) -> dict | None:
        if not cookie:
            return None
        s = next((s for s in self.d["sessions"].values() if hmac.compare_digest(s["cookie"], cookie)), None)
        return self.session(s["id"]) if s else None

    def end_session(self, sid: str) -> None:
        self.d["sessions"].pop(sid, None)

    def end_sessions(self, user_id: str) -> None:
        for sid in [s["id"] for s in self.d["sessions"].values() if s["userId"] == user_id]:
            self.end_session(sid)
