// k8spacket's built-in page: the node graph, TLS connections and certificates, read from the same public
// endpoints Grafana uses (/nodegraph/api/..., /nodegraph/connections, /tlsparser/api/...). No build step, no
// framework; cytoscape (from its WebJar) draws the graph. URLs are relative, so the page also works behind a
// path prefix. window.k8spacket exposes the graph and counters for tests and for poking at it in the console.
"use strict";

const REFRESH_MS = 15000;
const GRAFANA_COLORS = {
  green: "#56a64b", red: "#e02f44", blue: "#3274d9", yellow: "#f2cc0c", purple: "#a352cc",
  orange: "#ff9830", white: "#c7d0d9"
};
const CONTROLS = ["range", "stats-type", "group-by", "namespace", "include", "exclude"];

const page = {
  cy: null,
  fields: {},          // stats-type -> fields JSON of /nodegraph/api/graph/fields
  graphJson: "",       // last graph answer, to redraw only on change
  graph: { nodes: [], edges: [] },
  tlsRows: [],
  certificates: [],
  refreshes: 0,
  detailsOf: null,     // id of the graph element the details panel shows
  timer: null,
  token: sessionStorage.getItem("k8spacket.token") || ""
};
window.k8spacket = page;

// ---- small helpers -------------------------------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function $(id) { return document.getElementById(id); }

function bytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = Number(n) || 0;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return (unit === 0 ? value : value.toFixed(1)) + " " + units[unit];
}

function ms(n) {
  const value = Number(n) || 0;
  return value < 1000 ? value + " ms" : (value / 1000).toFixed(1) + " s";
}

// Local time as 2026-11-29 10:15:02 (the API's times are UTC RFC 3339).
function localTime(iso) {
  if (!iso || iso.startsWith("0001-")) return "–";
  const date = new Date(iso);
  if (isNaN(date)) return iso;
  const two = n => String(n).padStart(2, "0");
  return date.getFullYear() + "-" + two(date.getMonth() + 1) + "-" + two(date.getDate()) + " "
    + two(date.getHours()) + ":" + two(date.getMinutes()) + ":" + two(date.getSeconds());
}

function endpointName(name, namespace) {
  return namespace ? namespace + "/" + name : name;
}

// A stable colour per namespace, for node borders.
function namespaceColor(namespace) {
  if (!namespace) return "#8a94a3";
  let hash = 0;
  for (const c of namespace) hash = (hash * 31 + c.charCodeAt(0)) | 0;
  return "hsl(" + (Math.abs(hash) % 360) + ", 55%, 45%)";
}

// ---- state in the controls and the address bar ---------------------------------------------------------------

function readControls() {
  const state = {};
  for (const id of CONTROLS) state[id] = $(id).value.trim();
  return state;
}

function restoreControls() {
  const params = new URLSearchParams(location.search);
  for (const id of CONTROLS) {
    if (params.has(id)) $(id).value = params.get(id);
  }
}

function saveControls(state) {
  const params = new URLSearchParams();
  for (const id of CONTROLS) if (state[id]) params.set(id, state[id]);
  history.replaceState(null, "", location.pathname + (params.toString() ? "?" + params : ""));
}

function rangeParams(state) {
  return { from: String(Date.now() - Number(state.range) * 60000) };
}

function filterParams(state) {
  const params = rangeParams(state);
  for (const key of ["namespace", "include", "exclude", "group-by"]) if (state[key]) params[key] = state[key];
  return params;
}

// ---- HTTP ----------------------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(path, params) {
  const query = new URLSearchParams(params || {}).toString();
  const headers = page.token ? { Authorization: "Bearer " + page.token } : {};
  const response = await fetch(path + (query ? "?" + query : ""), { headers });
  if (response.status === 401) {
    askForToken();
    throw new ApiError(401, "the API needs a bearer token");
  }
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
  if (!response.ok) {
    const message = body && body.error ? body.error : response.status + " " + response.statusText;
    throw new ApiError(response.status, message);
  }
  return body;
}

function askForToken() {
  const dialog = $("token-dialog");
  if (dialog.open) return;
  dialog.addEventListener("close", () => {
    page.token = $("token").value.trim();
    sessionStorage.setItem("k8spacket.token", page.token);
    refresh();
  }, { once: true });
  dialog.showModal();
}

function setStatus(text, isError) {
  $("status").textContent = text;
  $("status").classList.toggle("error", !!isError);
}

// ---- the graph -------------------------------------------------------------------------------------------------

async function fieldsFor(statsType) {
  if (!page.fields[statsType]) {
    page.fields[statsType] = await api("nodegraph/api/graph/fields", { "stats-type": statsType });
  }
  return page.fields[statsType];
}

function arcFields(fields) {
  return (fields.nodes_fields || []).filter(f => f.field_name.startsWith("arc__"));
}

function statLabel(fields, name) {
  const field = (fields.nodes_fields || []).find(f => f.field_name === name);
  return field && field.displayName ? field.displayName.trim() : name;
}

function graphStyle(arcs) {
  const pie = {};
  arcs.forEach((arc, i) => {
    pie["pie-" + (i + 1) + "-background-color"] = GRAFANA_COLORS[arc.color] || arc.color || "#999";
    pie["pie-" + (i + 1) + "-background-size"] = "data(" + arc.field_name + ")";
  });
  return [
    { selector: "node", style: Object.assign({
      "label": "data(label)", "text-wrap": "wrap", "text-valign": "bottom", "text-margin-y": 6,
      "font-size": 11, "color": "#1d232b", "background-color": "#ffffff", "border-width": 3,
      "border-color": "data(border)", "width": 46, "height": 46, "pie-size": "78%"
    }, pie) },
    { selector: "edge", style: {
      "curve-style": "bezier", "target-arrow-shape": "triangle", "width": 2, "line-color": "#9aa5b4",
      "target-arrow-color": "#9aa5b4", "label": "data(label)", "font-size": 9, "color": "#4a5360",
      "text-background-color": "#fcfcfd", "text-background-opacity": 0.85, "text-background-padding": 2,
      "text-rotation": "autorotate"
    } },
    { selector: ":selected", style: { "border-color": "#2f6fdf", "line-color": "#2f6fdf",
      "target-arrow-color": "#2f6fdf", "border-width": 5 } }
  ];
}

function elementsOf(graph, arcs) {
  const nodes = graph.nodes.map(n => {
    const data = { id: n.id, label: n.title + "\n" + (n.mainStat || ""), border: namespaceColor(n.subTitle), raw: n };
    arcs.forEach(arc => { data[arc.field_name] = Math.round((Number(n[arc.field_name]) || 0) * 100); });
    return { group: "nodes", data };
  });
  const edges = graph.edges.map(e => ({ group: "edges",
    data: { id: "e:" + e.id, source: e.source, target: e.target, label: e.mainStat || "", raw: e } }));
  return nodes.concat(edges);
}

async function loadGraph(state) {
  const fields = await fieldsFor(state["stats-type"]);
  const params = filterParams(state);
  params["stats-type"] = state["stats-type"];
  const graph = await api("nodegraph/api/graph/data", params);
  const json = JSON.stringify([state["stats-type"], state["group-by"], graph]);
  page.graph = graph;
  if (json === page.graphJson) return;
  const firstDraw = page.graphJson === "";
  page.graphJson = json;
  drawGraph(graph, fields, firstDraw);
}

// Clients on top, the servers they call below: each node one row below its deepest caller (longest path; an
// edge that closes a cycle is ignored), rows ordered by where their callers sit, to keep edges from crossing.
function layeredPositions(graph) {
  const callers = new Map(graph.nodes.map(n => [n.id, []]));
  for (const e of graph.edges) {
    if (callers.has(e.target) && callers.has(e.source) && e.source !== e.target) callers.get(e.target).push(e.source);
  }
  const depth = new Map();
  const visiting = new Set();
  const depthOf = id => {
    if (depth.has(id)) return depth.get(id);
    if (visiting.has(id)) return -1; // a cycle: this edge does not push the node down
    visiting.add(id);
    const d = 1 + Math.max(-1, ...callers.get(id).map(depthOf));
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  graph.nodes.forEach(n => depthOf(n.id));
  const rows = [];
  graph.nodes.forEach(n => (rows[depth.get(n.id)] = rows[depth.get(n.id)] || []).push(n.id));
  const x = new Map();
  const positions = {};
  rows.forEach((row, level) => {
    const weight = id => {
      const placed = callers.get(id).filter(c => x.has(c)).map(c => x.get(c));
      return placed.length ? placed.reduce((a, b) => a + b, 0) / placed.length : Number.MAX_SAFE_INTEGER;
    };
    row.sort((a, b) => weight(a) - weight(b) || a.localeCompare(b));
    row.forEach((id, i) => {
      x.set(id, (i - (row.length - 1) / 2) * 190);
      positions[id] = { x: x.get(id), y: level * 150 };
    });
  });
  return positions;
}

function drawGraph(graph, fields, firstDraw) {
  const arcs = arcFields(fields);
  const selected = page.cy ? page.cy.$(":selected").map(e => e.id()) : [];
  if (page.cy) page.cy.destroy();
  page.cy = cytoscape({
    container: $("graph"),
    elements: elementsOf(graph, arcs),
    style: graphStyle(arcs),
    wheelSensitivity: 0.3,
    minZoom: 0.2,
    maxZoom: 1.6,
    layout: { name: "preset", positions: layeredPositions(graph), fit: true, padding: 30 }
  });
  page.cy.on("tap", "node", event => showNode(event.target.data("raw")));
  page.cy.on("tap", "edge", event => showEdge(event.target.data("raw")));
  selected.forEach(id => page.cy.$id(id).select());
  if (page.detailsOf && page.cy.$id(page.detailsOf).empty()) showHint(); // what the panel showed is filtered out
  $("graph").dataset.nodes = graph.nodes.length;
  $("graph").dataset.edges = graph.edges.length;
  let empty = $("graph").querySelector(".empty");
  if (graph.nodes.length === 0) {
    if (!empty) $("graph").append(el("div", { class: "empty" }, "No connections in this range and filter."));
  } else if (empty) {
    empty.remove();
  }
  $("legend").replaceChildren("Arcs: ", ...arcs.map(arc => [
    el("span", { class: "swatch", style: "background:" + (GRAFANA_COLORS[arc.color] || arc.color) }),
    arc.displayName || arc.field_name]).flat(),
  el("div", { class: "sub" }, "Border colour: namespace. Click a node or edge for details."));
  if (firstDraw) showHint();
}

function showHint() {
  page.detailsOf = null;
  $("details").replaceChildren(el("h2", {}, "Details"), el("p", { class: "hint" }, "Click a node or an edge."));
}

function statsList(fields, item, names) {
  const list = el("dl");
  for (const name of names) {
    if (item[name] === undefined || item[name] === "") continue;
    const value = name.startsWith("arc__") ? Math.round(Number(item[name]) * 100) + " %" : item[name];
    list.append(el("dt", {}, statLabel(fields, name)), el("dd", {}, value));
  }
  return list;
}

function connectionTable(rows, title) {
  if (rows.length === 0) return el("p", { class: "hint" }, title + ": none in this range.");
  return [el("h2", {}, title), el("table", {},
    el("thead", {}, el("tr", {}, ["Peer", "Conns", "Sent", "Received", "Avg"].map(h => el("th", {}, h)))),
    el("tbody", {}, rows.map(r => el("tr", { title: "max duration " + ms(r.maxDuration) + ", last seen "
        + localTime(r.lastSeen) },
      el("td", {}, r.peer),
      el("td", { class: "num" }, r.connCount + (r.connPersistent ? " (" + r.connPersistent + " long)" : "")),
      el("td", { class: "num" }, bytes(r.bytesSent)),
      el("td", { class: "num" }, bytes(r.bytesReceived)),
      el("td", { class: "num" }, ms(r.connCount ? Math.round(r.duration / r.connCount) : 0))))))];
}

async function connectionRows() {
  return api("nodegraph/connections", filterParams(readControls()));
}

async function showNode(node) {
  page.detailsOf = node.id;
  const fields = await fieldsFor(readControls()["stats-type"]);
  const names = ["mainStat", "secondaryStat"].concat(arcFields(fields).map(a => a.field_name));
  $("details").replaceChildren(el("h2", {}, node.title), el("p", { class: "sub" }, node.subTitle || "", " · ", node.id),
    statsList(fields, node, names), el("p", { class: "hint" }, "loading connections…"));
  try {
    const rows = await connectionRows();
    const outgoing = rows.filter(r => r.src === node.id).map(r => Object.assign({ peer: endpointName(r.dstName, r.dstNamespace) }, r));
    const incoming = rows.filter(r => r.dst === node.id).map(r => Object.assign({ peer: endpointName(r.srcName, r.srcNamespace) }, r));
    $("details").lastChild.replaceWith(...[connectionTable(outgoing, "Calls (as client)"),
      connectionTable(incoming, "Called by (as server)")].flat());
  } catch (e) {
    $("details").lastChild.textContent = "connections: " + e.message;
  }
}

async function showEdge(edge) {
  page.detailsOf = "e:" + edge.id;
  const source = page.graph.nodes.find(n => n.id === edge.source) || { title: edge.source };
  const target = page.graph.nodes.find(n => n.id === edge.target) || { title: edge.target };
  $("details").replaceChildren(el("h2", {}, source.title + " → " + target.title),
    el("p", { class: "sub" }, edge.id),
    el("dl", {}, el("dt", {}, "Main"), el("dd", {}, edge.mainStat || ""), el("dt", {}, "Secondary"),
      el("dd", {}, edge.secondaryStat || "")),
    el("p", { class: "hint" }, "loading connections…"));
  try {
    const rows = (await connectionRows()).filter(r => r.src === edge.source && r.dst === edge.target)
      .map(r => Object.assign({ peer: r.service ? "via " + endpointName(r.service, r.serviceNamespace) : "direct" }, r));
    $("details").lastChild.replaceWith(...[connectionTable(rows, "Connections")].flat());
  } catch (e) {
    $("details").lastChild.textContent = "connections: " + e.message;
  }
}

// ---- TLS -------------------------------------------------------------------------------------------------------

async function loadTls(state) {
  const rows = await api("tlsparser/api/data", rangeParams(state));
  page.tlsRows = rows;
  const selected = document.querySelector("#tls-table tr.selected");
  const selectedId = selected ? selected.dataset.id : null;
  $("tls-table").tBodies[0].replaceChildren(...(rows.length === 0
    ? [el("tr", {}, el("td", { colspan: 7, class: "empty" }, "No TLS handshakes in this range."))]
    : rows.map(r => {
      const row = el("tr", { "data-id": r.id, onclick: () => showTls(r.id, row) },
        el("td", {}, endpointName(r.srcName, r.srcNamespace), el("div", { class: "sub" }, r.src)),
        el("td", {}, r.dstName, el("div", { class: "sub" }, r.dst)),
        el("td", { class: "num" }, r.dstPort),
        el("td", {}, r.domain),
        el("td", {}, r.usedTLSVersion || "–"),
        el("td", {}, r.usedCipherSuite || "–"),
        el("td", {}, localTime(r.lastSeen)));
      if (r.id === selectedId) row.classList.add("selected");
      return row;
    })));
}

async function showTls(id, row) {
  document.querySelectorAll("#tls-table tr.selected").forEach(r => r.classList.remove("selected"));
  row.classList.add("selected");
  $("tls-details").replaceChildren(el("p", { class: "hint" }, "loading…"));
  try {
    const d = await api("tlsparser/api/data/" + encodeURIComponent(id));
    const cert = d.certificate || {};
    $("tls-details").replaceChildren(
      el("h2", {}, (d.domain || d.dst) + ":" + d.port),
      el("dl", {},
        el("dt", {}, "Chosen"), el("dd", {}, (d.usedTLSVersion || "–") + ", " + (d.usedCipherSuite || "–")),
        el("dt", {}, "Client offered versions"), el("dd", {}, (d.clientTLSVersions || []).join(", ")),
        el("dt", {}, "Client offered suites"), el("dd", {}, (d.clientCipherSuites || []).join(", ")),
        el("dt", {}, "Certificate"), el("dd", {}, cert.source === "NONE" || !cert.chain || cert.chain.length === 0
          ? "not seen (TLS 1.3 hides the chain; active fetch is opt-in)"
          : "valid " + localTime(cert.notBefore) + " – " + localTime(cert.notAfter) + " (" + cert.source + ")")),
      cert.chain && cert.chain.length ? el("pre", { class: "chain" }, cert.serverChain) : null);
  } catch (e) {
    $("tls-details").replaceChildren(el("p", { class: "hint" }, e.message));
  }
}

async function loadCertificates(state) {
  const certificates = await api("tlsparser/api/certificates", rangeParams(state));
  page.certificates = certificates;
  $("cert-table").tBodies[0].replaceChildren(...(certificates.length === 0
    ? [el("tr", {}, el("td", { colspan: 8, class: "empty" }, "No certificate chains seen in this range (TLS 1.3 hides them)."))]
    : certificates.map(c => el("tr", { "data-sha256": c.sha256 },
      el("td", {}, localTime(c.notAfter)),
      el("td", { class: "num " + (c.daysLeft < 14 ? "days-bad" : c.daysLeft < 30 ? "days-warn" : "") }, c.daysLeft),
      el("td", {}, c.domain || "–"),
      el("td", {}, c.server, el("div", { class: "sub" }, c.serverIp + ":" + c.port)),
      el("td", {}, c.subject),
      el("td", {}, c.issuer),
      el("td", {}, (c.clients || []).map(x => el("div", {}, endpointName(x.workload || x.name, x.namespace)))),
      el("td", {}, localTime(c.firstSeen), el("div", { class: "sub" }, "to " + localTime(c.lastSeen)))))));
}

// ---- refresh ---------------------------------------------------------------------------------------------------

async function refresh() {
  const state = readControls();
  saveControls(state);
  for (const id of ["namespace", "include", "exclude"]) $(id).classList.remove("invalid");
  const results = await Promise.allSettled([loadGraph(state), loadTls(state), loadCertificates(state)]);
  const failed = results.filter(r => r.status === "rejected").map(r => r.reason);
  page.refreshes++;
  if (failed.length === 0) {
    setStatus("updated " + new Date().toLocaleTimeString());
    return;
  }
  const error = failed[0];
  for (const id of ["namespace", "include", "exclude"]) {
    if (error.status === 400 && error.message.includes(id)) $(id).classList.add("invalid");
  }
  setStatus((error.status === 503 ? "stores not ready yet, retrying: " : "error: ") + error.message, true);
}

function schedule() {
  clearInterval(page.timer);
  if ($("auto").checked) page.timer = setInterval(refresh, REFRESH_MS);
}

document.addEventListener("DOMContentLoaded", () => {
  restoreControls();
  $("controls").addEventListener("submit", event => { event.preventDefault(); refresh(); });
  for (const id of ["range", "stats-type", "group-by"]) $(id).addEventListener("change", refresh);
  $("auto").addEventListener("change", schedule);
  if (typeof cytoscape === "undefined") {
    setStatus("the graph library did not load (webjars/cytoscape missing from the server)", true);
  }
  refresh();
  schedule();
});
