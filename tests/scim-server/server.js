// A third-party SCIM 2.0 service provider for idsync's integration tests: SCIMMY's
// protocol handling and scimmy-routers' express routes over in-memory users and groups.
// idsync's own code is not used here, so the connector is checked against someone
// else's reading of RFC 7643/7644.
//
// Usage: node server.js [--port N] [--port-file PATH] [--token T] [--max-results N]
//                       [--seed FILE.json]
//   --port (or PORT)            0 (default) picks a free port on 127.0.0.1
//   --port-file                 the port is written there, then a newline, once listening
//   --token (or SCIM_TOKEN)     the bearer token (default "scimmy-token")
//   --max-results               ServiceProviderConfig filter.maxResults (default 200)
//   --seed                      {"groups": [...], "users": [...]} as /_test/seed takes
// It prints "scim-server listening on http://127.0.0.1:PORT/scim/v2" when ready.
//
// SCIM base: /scim/v2 (Bearer auth; 401 SCIM error otherwise).
// Test controls (no auth; loopback only):
//   GET  /_test/counters        {requests, mutations, unauthorized, <operation>: n}
//   POST /_test/counters/reset
//   GET  /_test/state           {users: [{id, userName, active, givenName, familyName,
//                                displayName, externalId, groups: [displayName]}],
//                                groups: [{id, displayName, members: [userName]}]}
//   POST /_test/seed            replaces everything: {groups: [{displayName, id?}],
//                                users: [{userName, givenName?, familyName?, displayName?,
//                                active?, externalId?, groups?: [displayName], hidden?}]}
//                                A hidden user is left out of unfiltered listings (as a
//                                provider that lists only what this client created) but
//                                holds its userName and is found by filter and by id.
import crypto from "node:crypto";
import fs from "node:fs";
import express from "express";
import SCIMMY from "scimmy";
import SCIMMYRouters from "scimmy-routers";

function option(name, envName, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  if (envName && process.env[envName] !== undefined) return process.env[envName];
  return fallback;
}

const token = option("token", "SCIM_TOKEN", "scimmy-token");
const port = Number(option("port", "PORT", "0"));
const portFile = option("port-file", null, "");
const maxResults = Number(option("max-results", null, "200"));
const seedFile = option("seed", null, "");

// ---- state -------------------------------------------------------------------------
let users = new Map();   // id -> {id, userName, name, displayName, active, externalId, emails, hidden}
let groups = new Map();  // id -> {id, displayName, members: [{value, display}]}
let counters = {};

function resetCounters() {
  counters = {requests: 0, mutations: 0, unauthorized: 0};
  for (const op of ["getServiceProviderConfig", "listUsers", "findUser", "getUser", "createUser",
    "patchUser", "replaceUser", "deleteUser", "listGroups", "getGroup", "patchGroup"]) counters[op] = 0;
}

const lower = (s) => String(s ?? "").toLowerCase();
const scimError = (status, scimType, detail) => new SCIMMY.Types.Error(status, scimType, detail);

function findByUserName(userName) {
  for (const u of users.values()) if (lower(u.userName) === lower(userName)) return u;
  return null;
}

function seed(data) {
  users = new Map();
  groups = new Map();
  for (const g of data.groups ?? []) {
    const id = g.id ?? crypto.randomUUID();
    groups.set(id, {id, displayName: g.displayName, members: []});
  }
  for (const s of data.users ?? []) {
    const id = s.id ?? crypto.randomUUID();
    const user = {
      id, userName: s.userName, active: s.active ?? true, hidden: !!s.hidden,
      name: {givenName: s.givenName, familyName: s.familyName},
      displayName: s.displayName, externalId: s.externalId,
      emails: [{value: s.userName, type: "work", primary: true}],
    };
    users.set(id, user);
    for (const name of s.groups ?? []) {
      const g = [...groups.values()].find((x) => x.displayName === name);
      if (!g) throw new Error(`seed: user ${s.userName}: no group named ${name}`);
      g.members.push({value: id, display: s.userName});
    }
  }
}

// What SCIMMY turns into a User (plain data; undefined fields are left out).
function userOut(u) {
  const out = {id: u.id, userName: u.userName, active: u.active, emails: u.emails};
  if (u.name && (u.name.givenName !== undefined || u.name.familyName !== undefined)) out.name = {...u.name};
  if (u.displayName !== undefined) out.displayName = u.displayName;
  if (u.externalId !== undefined) out.externalId = u.externalId;
  return out;
}

function groupOut(g) {
  const out = {id: g.id, displayName: g.displayName};
  if (g.members.length) out.members = g.members.map((m) => ({...m}));
  return out;
}

// SCIMMY hands the filter to the egress handler; this provider supports `userName eq`.
function userNameFilter(filter) {
  if (!filter) return null;
  const expressions = [...filter];
  const only = expressions.length === 1 ? expressions[0] : null;
  const keys = only ? Object.keys(only) : [];
  if (keys.length !== 1 || keys[0] !== "userName" || !Array.isArray(only.userName) ||
      lower(only.userName[0]) !== "eq") {
    throw scimError(400, "invalidFilter", "only the filter userName eq \"...\" is supported");
  }
  return only.userName[1];
}

// ---- SCIMMY resources ----------------------------------------------------------------
SCIMMY.Resources.declare(SCIMMY.Resources.User)
  .egress((resource) => {
    if (resource.id) {
      counters.getUser++;
      const u = users.get(resource.id);
      if (!u) throw scimError(404, null, `Resource ${resource.id} not found`);
      return userOut(u);
    }
    const wanted = userNameFilter(resource.filter);
    if (wanted !== null) {
      counters.findUser++;
      const u = findByUserName(wanted);
      return u ? [userOut(u)] : [];
    }
    counters.listUsers++;
    return [...users.values()].filter((u) => !u.hidden).map(userOut);
  })
  .ingress((resource, instance) => {
    const data = JSON.parse(JSON.stringify(instance));
    const clash = findByUserName(data.userName);
    if (clash && clash.id !== resource.id) throw scimError(409, "uniqueness", `userName ${data.userName} already exists`);
    if (resource.id) {
      const u = users.get(resource.id);
      if (!u) throw scimError(404, null, `Resource ${resource.id} not found`);
      u.userName = data.userName;
      u.active = data.active ?? u.active;
      u.name = data.name ?? {};
      u.displayName = data.displayName;
      u.externalId = data.externalId;
      u.emails = data.emails ?? u.emails;
      return userOut(u);
    }
    const u = {
      id: crypto.randomUUID(), userName: data.userName, active: data.active ?? true, hidden: false,
      name: data.name ?? {}, displayName: data.displayName, externalId: data.externalId,
      emails: data.emails ?? [],
    };
    users.set(u.id, u);
    return userOut(u);
  })
  .degress((resource) => {
    counters.deleteUser++;
    if (!users.delete(resource.id)) throw scimError(404, null, `Resource ${resource.id} not found`);
    for (const g of groups.values()) g.members = g.members.filter((m) => m.value !== resource.id);
  });

SCIMMY.Resources.declare(SCIMMY.Resources.Group)
  .egress((resource) => {
    if (resource.id) {
      const g = groups.get(resource.id);
      if (!g) throw scimError(404, null, `Resource ${resource.id} not found`);
      return groupOut(g);
    }
    if (resource.filter) throw scimError(400, "invalidFilter", "groups cannot be filtered here");
    counters.listGroups++;
    return [...groups.values()].map(groupOut);
  })
  .ingress((resource, instance) => {
    const data = JSON.parse(JSON.stringify(instance));
    if (!resource.id) throw scimError(501, null, "creating groups is not supported here");
    const g = groups.get(resource.id);
    if (!g) throw scimError(404, null, `Resource ${resource.id} not found`);
    g.displayName = data.displayName;
    const ids = [...new Set((data.members ?? []).map((m) => m.value))];  // adding a member twice is a no-op
    g.members = ids.map((value) => ({value, display: users.get(value)?.userName}));
    return groupOut(g);
  })
  .degress(() => {
    throw scimError(501, null, "deleting groups is not supported here");
  });

// ---- HTTP ---------------------------------------------------------------------------
const app = express();
const scimRouter = new SCIMMYRouters({
  type: "bearer",
  docUri: "https://example.invalid/scim-auth",
  handler: (request) => {
    if (request.header("Authorization") !== `Bearer ${token}`) {
      counters.unauthorized++;
      throw new Error("Bearer token missing or invalid");
    }
    return "idsync";
  },
});
SCIMMY.Config.set({filter: {supported: true, maxResults}, sort: false, bulk: false});

// Counts every SCIM request, and names the operation of those SCIMMY's handlers do not
// see on their own (service provider config, patches).
app.use("/scim/v2", (req, res, next) => {
  counters.requests++;
  if (req.method !== "GET") counters.mutations++;
  const [, collection, id] = req.path.split("/");
  if (req.method === "GET" && collection === "ServiceProviderConfig") counters.getServiceProviderConfig++;
  if (req.method === "POST" && collection === "Users" && !id) counters.createUser++;
  if (req.method === "PATCH" && collection === "Users") counters.patchUser++;
  if (req.method === "PUT" && collection === "Users") counters.replaceUser++;
  if (req.method === "PATCH" && collection === "Groups") counters.patchGroup++;
  if (req.method === "GET" && collection === "Groups" && id) counters.getGroup++;
  next();
});
app.use("/scim/v2", scimRouter);

app.get("/_test/counters", (req, res) => res.json(counters));
app.post("/_test/counters/reset", (req, res) => { resetCounters(); res.json({reset: true}); });
app.get("/_test/state", (req, res) => {
  const groupsOf = (id) => [...groups.values()].filter((g) => g.members.some((m) => m.value === id))
    .map((g) => g.displayName).sort();
  res.json({
    users: [...users.values()].map((u) => ({
      id: u.id, userName: u.userName, active: u.active, givenName: u.name?.givenName ?? null,
      familyName: u.name?.familyName ?? null, displayName: u.displayName ?? null,
      externalId: u.externalId ?? null, groups: groupsOf(u.id),
    })).sort((a, b) => a.userName.localeCompare(b.userName)),
    groups: [...groups.values()].map((g) => ({
      id: g.id, displayName: g.displayName,
      members: g.members.map((m) => users.get(m.value)?.userName ?? m.value).sort(),
    })),
  });
});
app.post("/_test/seed", express.json(), (req, res) => {
  try {
    seed(req.body ?? {});
    resetCounters();
    res.json({seeded: true});
  } catch (ex) {
    res.status(400).json({error: ex.message});
  }
});

resetCounters();
if (seedFile) seed(JSON.parse(fs.readFileSync(seedFile, "utf8")));
const server = app.listen(port, "127.0.0.1", () => {
  const actual = server.address().port;
  if (portFile) fs.writeFileSync(portFile, `${actual}\n`);
  console.log(`scim-server listening on http://127.0.0.1:${actual}/scim/v2`);
});
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => server.close(() => process.exit(0)));
