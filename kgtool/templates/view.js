// kgtool explorer: builds the vis-network from the JSON data embedded in the page, and the
// details panel, article pane, filters, search, state in the URL and exports around it.
// Inlined by kgtool.render (its sha256 goes into the page's Content-Security-Policy).
// Data is only ever put into the page with textContent or attributes, never parsed as HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kgtool-data").textContent);
  var T = data.text;
  var info = data.info, links = data.links, claims = data.claims, passages = data.passages;
  // render.py leaves out empty fields (and a link's label when it is its predicate's); they
  // come back here, the empty lists as one shared frozen list.
  var NONE = Object.freeze([]), i;
  for (i = 0; i < info.length; i++) {
    var entry = info[i];
    entry.aliases = entry.aliases || NONE; entry.attributes = entry.attributes || NONE;
    entry.quotes = entry.quotes || NONE; entry.claims = entry.claims || NONE;
    entry.comment = entry.comment || ""; entry.document = entry.document || false;
  }
  for (i = 0; i < links.length; i++) {
    if (links[i].label === undefined) { links[i].label = data.predicates[links[i].p].label; }
    links[i].claims = links[i].claims || NONE;
  }
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (attrs) { for (var k in attrs) { node.setAttribute(k, attrs[k]); } }
    return node;
  }
  function isJapanese(text) { return /[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]/.test(text); }
  function langOf(text) { return isJapanese(text) ? "ja" : "en"; }

  // --- the network -----------------------------------------------------------------------
  var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  if (dark) {
    data.options.nodes.font.color = "#e8eaed";
    data.options.nodes.font.strokeColor = "#1f1f1f";
    data.options.edges.font.color = "#e8eaed";
    data.options.edges.font.strokeColor = "#1f1f1f";
  }
  // vis-network's items, built from the page data's columns (render.py keeps the JSON small):
  // a node is drawn in its legend entry's shape and colour, an edge in its relation family's
  // colour, dashed if it folds claims, without arrowhead if symmetric, wider with more claims.
  var edgeFrom = data.edges.from, edgeTo = data.edges.to, curve = data.edges.curve;
  var edgeLabels = new Array(links.length), names = new Array(info.length), degree = new Array(info.length);
  for (i = 0; i < info.length; i++) { names[i] = info[i][data.lang]; degree[i] = 0; }
  for (i = 0; i < links.length; i++) { edgeLabels[i] = links[i].label; degree[edgeFrom[i]]++; degree[edgeTo[i]]++; }
  // Short tooltips as strings: vis-network sets them with innerText (never as HTML), and no
  // DOM is built for them at load.
  // A class's outline (kgtool.styles.OUTLINES) tells it apart by more than its colour.
  var outlineColor = dark ? "#e8eaed" : "#202124";
  var styles = data.legend.map(function (entry) {
    if (entry.outline === null || entry.outline === undefined) { return { shape: entry.shape, color: entry.color }; }
    var ring = { background: entry.color, border: outlineColor };
    return {
      shape: entry.shape,
      color: { background: entry.color, border: outlineColor, highlight: ring, hover: ring },
      borderWidth: 3,  // selected: 5 (render.py)
      shapeProperties: { borderDashes: entry.outline.length ? entry.outline : false }
    };
  });
  var columns = data.nodes, nodeItems = new Array(info.length);
  for (i = 0; i < info.length; i++) {
    var item = info[i], style = styles[item.legend], claimCount = item.claims.length;
    var node = {
      id: i, label: columns.label[i], x: columns.x[i], y: columns.y[i], size: columns.size[i], shape: style.shape, color: style.color,
      title: names[i] + "\n" + (item.classes.join(", ") || T.untyped) + "\n" + (claimCount ? claimCount + " " + T.claims_count + " · " : "") + degree[i] + " " + T.relations_count
    };
    if (style.borderWidth) { node.borderWidth = style.borderWidth; node.shapeProperties = style.shapeProperties; }
    nodeItems[i] = node;
  }
  var families = {};
  for (i = 0; i < data.families.length; i++) {
    var c = data.families[i].color;
    families[data.families[i].key] = { color: { color: c, highlight: c, hover: c }, dashed: data.families[i].dashed };
  }
  var noArrow = { to: { enabled: false } };
  var edgeItems = new Array(links.length);
  for (i = 0; i < links.length; i++) {
    var link = links[i], pred = data.predicates[link.p], family = families[pred.family], edgeClaims = link.claims.length;
    var edge = {
      id: i, from: edgeFrom[i], to: edgeTo[i], width: 1 + Math.min(edgeClaims, 4) / 2, color: family.color,
      title: names[edgeFrom[i]] + " → " + link.label + " → " + names[edgeTo[i]] + "\n" + (edgeClaims ? edgeClaims + " " + T.claims_count : pred.curie)
    };
    if (family.dashed) { edge.dashes = true; }  // a folded claim
    if (family.dashed || pred.symmetric) { edge.arrows = noArrow; }
    if (curve[i] && !data.large) { edge.smooth = { enabled: true, type: curve[i] % 2 ? "curvedCW" : "curvedCCW", roundness: 0.2 * Math.floor((curve[i] + 1) / 2) }; }
    edgeItems[i] = edge;
  }
  var nodes = new vis.DataSet(nodeItems);
  var edges = new vis.DataSet(edgeItems);
  var container = $("kgtool-network");
  var network = new vis.Network(container, {}, data.options);
  if (data.large) { cachePanning(); }
  // Panning or zooming a big graph redraws every node each frame, which the browser's software
  // canvas cannot do at 60 Hz: during a drag of the view, and during a wheel zoom, the page draws
  // one bitmap of the picture as it was when the gesture began (nodes and edges hidden through
  // vis-network's hideNodesOnDrag and hideEdgesOnDrag), then draws everything when it ends.
  // Dragging a node draws as usual.
  function cachePanning() {
    var renderer = network.renderer, snapshot = null, last = null, zoomEnd = null;
    function take() {
      var canvas = container.querySelector("canvas");
      if (!last || !canvas.width) { return false; }
      snapshot = document.createElement("canvas");
      snapshot.width = canvas.width; snapshot.height = canvas.height;
      snapshot.getContext("2d").drawImage(canvas, 0, 0);
      snapshot.at = last;
      renderer.options.hideNodesOnDrag = true;
      return true;
    }
    function done() {
      snapshot = null; zoomEnd = null;
      renderer.options.hideNodesOnDrag = false;
      renderer.dragging = false;
      network.redraw();
    }
    network.on("afterDrawing", function () {
      if (snapshot) { return; }
      var scale = network.getScale(), corner = network.DOMtoCanvas({ x: 0, y: 0 });
      last = { x: corner.x, y: corner.y, w: container.clientWidth / scale, h: container.clientHeight / scale };
    });
    network.on("beforeDrawing", function (context) {
      if (snapshot && renderer.dragging) { context.drawImage(snapshot, snapshot.at.x, snapshot.at.y, snapshot.at.w, snapshot.at.h); }
    });
    network.on("dragStart", function (params) { if (!params.nodes.length && !zoomEnd) { take(); } });
    network.on("dragEnd", function () { if (snapshot && !zoomEnd) { done(); } });
    network.on("zoom", function () {
      if (!snapshot && !take()) { return; }
      renderer.dragging = true;  // draws the bitmap, as during a drag
      clearTimeout(zoomEnd);
      zoomEnd = setTimeout(done, 250);
    });
  }
  // Adjacency: node id → list of edge ids.
  var incident = [];
  for (i = 0; i < info.length; i++) { incident.push([]); }
  for (i = 0; i < edgeFrom.length; i++) {
    incident[edgeFrom[i]].push(i);
    if (edgeTo[i] !== edgeFrom[i]) { incident[edgeTo[i]].push(i); }
  }
  function other(edgeId, nodeId) {
    return edgeFrom[edgeId] === nodeId ? edgeTo[edgeId] : edgeFrom[edgeId];
  }

  // --- state -----------------------------------------------------------------------------
  var state = { sel: null, hideClasses: {}, hidePredicates: {}, story: false, focus: null, hops: 1, expanded: {}, text: false, physics: false, allLabels: false };
  var applying = false;

  function nodeVisibleByFilters(id) {
    if (state.expanded[id]) { return true; }
    if (state.hideClasses[info[id].legend]) { return false; }
    if (state.story && info[id].document) { return false; }
    return true;
  }
  function focusSet() {
    if (state.focus === null) { return null; }
    var seen = {}; seen[state.focus] = true;
    var frontier = [state.focus];
    for (var hop = 0; hop < state.hops; hop++) {
      var next = [];
      for (var f = 0; f < frontier.length; f++) {
        var list = incident[frontier[f]];
        for (var j = 0; j < list.length; j++) {
          if (state.hidePredicates[links[list[j]].p]) { continue; }
          var o = other(list[j], frontier[f]);
          if (!seen[o]) { seen[o] = true; next.push(o); }
        }
      }
      frontier = next;
    }
    return seen;
  }
  var visibleNode = info.map(function () { return true; }), visibleEdge = links.map(function () { return true; });
  function applyFilters() {
    var near = focusSet();
    var nodeChanges = [], edgeChanges = [];
    for (var n = 0; n < info.length; n++) {
      var show = nodeVisibleByFilters(n) && (near === null || near[n] === true || state.expanded[n] === true);
      if (visibleNode[n] !== show) { nodeChanges.push({ id: n, hidden: !show }); }
      visibleNode[n] = show;
    }
    for (var e = 0; e < links.length; e++) {
      var showEdge = visibleNode[edgeFrom[e]] && visibleNode[edgeTo[e]] && !state.hidePredicates[links[e].p];
      if (visibleEdge[e] !== showEdge) { edgeChanges.push({ id: e, hidden: !showEdge }); }
      visibleEdge[e] = showEdge;
    }
    if (nodeChanges.length) { nodes.update(nodeChanges); }
    if (edgeChanges.length) { edges.update(edgeChanges); }
    var shown = 0, shownEdges = 0;
    for (n = 0; n < visibleNode.length; n++) { if (visibleNode[n]) { shown++; } }
    for (e = 0; e < visibleEdge.length; e++) { if (visibleEdge[e]) { shownEdges++; } }
    $("kgtool-counts").textContent = shown + " / " + info.length + " " + T.nodes + " · " + shownEdges + " / " + links.length + " " + T.edges + " " + T.visible;
    syncControls();
    renderRelationList();
  }

  // --- edge labels: for the selected and hovered node, or all --------------------------------
  var labelled = {};
  function showLabels(nodeIds) {
    var want = {};
    if (state.allLabels) { for (var e = 0; e < links.length; e++) { want[e] = true; } }
    for (var k = 0; k < nodeIds.length; k++) {
      var list = incident[nodeIds[k]] || [];
      for (var j = 0; j < list.length; j++) { want[list[j]] = true; }
    }
    var changes = [];
    for (var id in labelled) { if (!want[id]) { changes.push({ id: Number(id), label: "" }); } }
    for (id in want) { if (!labelled[id]) { changes.push({ id: Number(id), label: edgeLabels[id] }); } }
    labelled = want;
    if (changes.length) { edges.update(changes); }
  }
  var hovered = null;
  function refreshLabels() {
    var ids = [];
    if (state.sel && state.sel.type === "node") { ids.push(state.sel.id); }
    if (state.sel && state.sel.type === "edge") { ids = []; }
    if (hovered !== null) { ids.push(hovered); }
    showLabels(ids);
    if (state.sel && state.sel.type === "edge" && !labelled[state.sel.id]) {
      labelled[state.sel.id] = true;
      edges.update({ id: state.sel.id, label: edgeLabels[state.sel.id] });
    }
  }

  // --- details panel ---------------------------------------------------------------------
  var panel = $("kgtool-panel-body");
  function nodeButton(id) {
    var b = el("button", info[id][data.lang], { type: "button", "class": "link", lang: data.lang, "data-node": String(id) });
    b.addEventListener("click", function () { select({ type: "node", id: id }, true); });
    return b;
  }
  function claimBlock(c) {
    var claim = claims[c];
    var box = el("div", null, { "class": "claim", "data-claim": String(c) });
    box.appendChild(el("div", claim.label, { lang: langOf(claim.label) }));
    var meta = [claim.kind];
    if (claim.value) { meta.push(T.value + ": " + claim.value); }
    if (claim.modality) { meta.push(T.modality + ": " + claim.modality); }
    if (claim.time) { meta.push(T.time + ": " + claim.time); }
    box.appendChild(el("div", meta.join(" · "), { "class": "meta" }));
    for (var j = 0; j < claim.passages.length; j++) { box.appendChild(quoteBlock(claim.passages[j])); }
    for (j = 0; j < claim.quotes.length; j++) {
      box.appendChild(el("blockquote", claim.quotes[j], { lang: langOf(claim.quotes[j]) }));
    }
    return box;
  }
  function quoteBlock(p) {
    var passage = passages[p];
    var wrap = el("div");
    wrap.appendChild(el("blockquote", passage.exact, { lang: langOf(passage.exact), "data-passage": String(p) }));
    if (passage.start >= 0 && $("kgtool-text")) {
      var go = el("button", T.go_to_text, { type: "button", "class": "link", "data-goto": String(p) });
      go.addEventListener("click", function () { showPassage(p); });
      wrap.appendChild(go);
    } else if (passage.source >= 0) {
      wrap.appendChild(el("span", T.not_in_text, { "class": "meta" }));
    }
    return wrap;
  }
  function dl(rows) {
    var list = el("dl");
    for (var r = 0; r < rows.length; r++) {
      if (!rows[r][1] || (rows[r][1].length !== undefined && rows[r][1].length === 0)) { continue; }
      list.appendChild(el("dt", rows[r][0]));
      var dd = el("dd");
      if (typeof rows[r][1] === "string") { dd.textContent = rows[r][1]; dd.setAttribute("lang", langOf(rows[r][1])); } else { dd.appendChild(rows[r][1]); }
      list.appendChild(dd);
    }
    return list;
  }
  function renderNodePanel(id) {
    var item = info[id];
    var body = document.createDocumentFragment();
    var labels = el("div", null, { "class": "labels" });
    var otherLang = data.lang === "en" ? "ja" : "en";
    if (item[otherLang] !== item[data.lang]) { labels.appendChild(el("div", item[otherLang], { "class": "other", lang: otherLang })); }
    body.appendChild(labels);
    body.appendChild(dl([[T["class"], item.classes.join(", ") || T.untyped], [T.aliases, item.aliases.join(", ")], [T.iri, item.iri]]));
    if (item.comment) { body.appendChild(el("p", item.comment, { lang: langOf(item.comment) })); }
    if (item.attributes.length) { body.appendChild(dl(item.attributes)); }
    for (var q = 0; q < item.quotes.length; q++) { body.appendChild(el("blockquote", item.quotes[q], { lang: langOf(item.quotes[q]) })); }
    // Relations grouped by predicate label and direction.
    var groups = {}, order = [];
    var list = incident[id];
    for (var j = 0; j < list.length; j++) {
      var key = (edgeFrom[list[j]] === id ? "→ " : "← ") + links[list[j]].label;
      if (!groups[key]) { groups[key] = []; order.push(key); }
      groups[key].push(list[j]);
    }
    if (order.length) {
      body.appendChild(el("h3", T.relations + " (" + list.length + ")"));
      var rel = el("dl");
      for (var g = 0; g < order.length; g++) {
        rel.appendChild(el("dt", order[g], { lang: langOf(order[g]) }));
        var dd = el("dd"); var ul = el("ul");
        for (var m = 0; m < groups[order[g]].length; m++) {
          var li = el("li"); li.appendChild(nodeButton(other(groups[order[g]][m], id))); ul.appendChild(li);
        }
        dd.appendChild(ul); rel.appendChild(dd);
      }
      body.appendChild(rel);
    }
    if (item.claims.length) {
      body.appendChild(el("h3", T.claims + " (" + item.claims.length + ")"));
      for (var c = 0; c < item.claims.length; c++) { body.appendChild(claimBlock(item.claims[c])); }
    }
    return [item[data.lang], body];
  }
  function renderEdgePanel(id) {
    var link = links[id], from = edgeFrom[id], to = edgeTo[id];
    var body = document.createDocumentFragment();
    var line = el("p");
    line.appendChild(nodeButton(from));
    line.appendChild(el("span", " " + (data.predicates[link.p].symmetric ? "↔ " : "→ ") + link.label + " " + (data.predicates[link.p].symmetric ? "↔ " : "→ "), { lang: langOf(link.label) }));
    line.appendChild(nodeButton(to));
    body.appendChild(line);
    body.appendChild(dl([[T.iri, data.predicates[link.p].iri]]));
    if (link.claims.length) {
      body.appendChild(el("h3", T.claims + " (" + link.claims.length + ")"));
      for (var c = 0; c < link.claims.length; c++) { body.appendChild(claimBlock(link.claims[c])); }
    }
    return [info[from][data.lang] + " → " + link.label + " → " + info[to][data.lang], body];
  }
  function renderPassagePanel(list) {
    var body = document.createDocumentFragment();
    var seen = {};
    for (var k = 0; k < list.length; k++) {
      var passage = passages[list[k]];
      body.appendChild(el("blockquote", passage.exact, { lang: langOf(passage.exact) }));
      for (var c = 0; c < passage.claims.length; c++) {
        var cid = passage.claims[c];
        if (seen[cid]) { continue; }
        seen[cid] = true;
        var block = claimBlock(cid);
        var ul = el("ul");
        for (var n = 0; n < claims[cid].nodes.length; n++) { var li = el("li"); li.appendChild(nodeButton(claims[cid].nodes[n])); ul.appendChild(li); }
        block.appendChild(ul);
        body.appendChild(block);
      }
    }
    return [T.quote, body];
  }
  function renderPanel() {
    var heading = $("kgtool-panel-heading");
    $("kgtool-panel").classList.toggle("open", Boolean(state.sel));  // a drawer on small screens
    panel.textContent = "";
    var result;
    if (!state.sel) {
      $("kgtool-panel-close").hidden = true;
      heading.textContent = T.details;
      panel.appendChild(el("p", T.no_selection));
      return;
    }
    if (state.sel.type === "node") { result = renderNodePanel(state.sel.id); } else if (state.sel.type === "edge") { result = renderEdgePanel(state.sel.id); } else { result = renderPassagePanel(state.sel.ids); }
    heading.textContent = result[0];
    heading.setAttribute("lang", langOf(result[0]));
    $("kgtool-panel-close").hidden = false;
    panel.appendChild(result[1]);
    $("kgtool-panel").scrollTop = 0;
  }

  // --- the article pane ------------------------------------------------------------------
  var marks = {};  // passage index → list of mark elements
  function buildText() {
    var body = $("kgtool-text-body");
    if (!body) { return; }
    for (var s = 0; s < data.sources.length; s++) {
      var source = data.sources[s];
      body.appendChild(el("h3", source.label, { lang: langOf(source.label) }));
      body.appendChild(el("div", source.path, { "class": "meta" }));
      var cuts = { 0: true }; cuts[source.text.length] = true;
      var spans = [];
      for (var p = 0; p < passages.length; p++) {
        if (passages[p].source === s && passages[p].start >= 0) { spans.push([passages[p].start, passages[p].end, p]); cuts[passages[p].start] = true; cuts[passages[p].end] = true; }
      }
      for (var k = 0; k < source.sentences.length; k++) { cuts[source.sentences[k][0]] = true; cuts[source.sentences[k][1]] = true; }
      var points = Object.keys(cuts).map(Number).sort(function (a, b) { return a - b; });
      var div = el("div", null, { "class": "source", lang: langOf(source.text) });
      for (var q = 0; q + 1 < points.length; q++) {
        var a = points[q], b = points[q + 1];
        var covering = [];
        for (k = 0; k < spans.length; k++) { if (spans[k][0] <= a && spans[k][1] >= b) { covering.push(spans[k][2]); } }
        var status = "";
        for (k = 0; k < source.sentences.length; k++) { if (source.sentences[k][0] <= a && source.sentences[k][1] >= b) { status = source.sentences[k][2]; } }
        var piece;
        if (covering.length) {
          piece = el("mark", source.text.slice(a, b), { tabindex: "0", role: "button", "data-passages": covering.join(" "), "aria-label": T.passage_selects + ": " + source.text.slice(a, b) });
          piece.addEventListener("click", passageClick);
          piece.addEventListener("keydown", function (event) { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); passageClick.call(this, event); } });
          for (k = 0; k < covering.length; k++) { (marks[covering[k]] = marks[covering[k]] || []).push(piece); }
        } else {
          piece = el("span", source.text.slice(a, b));
        }
        if (status) {
          piece.classList.add(status);
          if (status !== "covered") { piece.setAttribute("title", T[status]); }
        }
        div.appendChild(piece);
      }
      body.appendChild(div);
    }
  }
  function passageClick() {
    var ids = this.getAttribute("data-passages").split(" ").map(Number);
    select({ type: "passage", ids: ids }, true);
  }
  function setText(open) {
    var pane = $("kgtool-text");
    if (!pane) { return; }
    state.text = open;
    pane.hidden = !open;
    $("kgtool-text-toggle").setAttribute("aria-expanded", String(open));
    $("kgtool-text-toggle").textContent = open ? T.hide_text : T.show_text;
  }
  function showPassage(p) {
    setText(true);
    var current = document.querySelectorAll("#kgtool-text mark.current");
    for (var k = 0; k < current.length; k++) { current[k].classList.remove("current"); }
    var list = marks[p] || [];
    for (k = 0; k < list.length; k++) { list[k].classList.add("current"); }
    if (list.length) { list[0].scrollIntoView({ block: "center" }); list[0].focus({ preventScroll: true }); }
    writeHash(false);
  }

  // --- selection --------------------------------------------------------------------------
  function select(sel, userAction, noFocusMove) {
    state.sel = sel;
    if (!sel) { network.unselectAll(); } else if (sel.type === "node") {
      if (!visibleNode[sel.id]) { state.expanded[sel.id] = true; applyFilters(); }
      network.selectNodes([sel.id]);
      network.focus(sel.id, { scale: Math.max(network.getScale(), 1.0), animation: userAction ? { duration: 300 } : false });
    } else if (sel.type === "edge") {
      network.setSelection({ nodes: [], edges: [sel.id] });
    } else {
      var ids = {};
      for (var k = 0; k < sel.ids.length; k++) {
        var cs = passages[sel.ids[k]].claims;
        for (var c = 0; c < cs.length; c++) { for (var n = 0; n < claims[cs[c]].nodes.length; n++) { ids[claims[cs[c]].nodes[n]] = true; } }
      }
      var list = Object.keys(ids).map(Number).filter(function (x) { return visibleNode[x]; });
      network.setSelection({ nodes: list, edges: [] }, { highlightEdges: false });
    }
    renderPanel();
    refreshLabels();
    if (userAction) {
      writeHash(true);
      if (!noFocusMove) { $("kgtool-panel-heading").focus({ preventScroll: true }); }
    }
  }
  network.on("click", function (params) {
    if (params.nodes.length) { select({ type: "node", id: params.nodes[0] }, true, true); } else if (params.edges.length) { select({ type: "edge", id: params.edges[0] }, true, true); } else { select(null, true, true); }
  });
  network.on("doubleClick", function (params) {
    if (!params.nodes.length) { return; }
    var id = params.nodes[0];
    var list = incident[id];
    for (var k = 0; k < list.length; k++) { state.expanded[other(list[k], id)] = true; }
    state.expanded[id] = true;
    applyFilters();
    writeHash(false);
  });
  network.on("hoverNode", function (params) { hovered = params.node; refreshLabels(); });
  network.on("blurNode", function () { hovered = null; refreshLabels(); });

  // --- URL fragment ------------------------------------------------------------------------
  function keys(set) { return Object.keys(set).filter(function (k) { return set[k]; }).join(","); }
  function serialize() {
    var parts = [];
    if (state.sel) {
      if (state.sel.type === "node") { parts.push("node=" + encodeURIComponent(info[state.sel.id].iri)); } else if (state.sel.type === "edge") { parts.push("edge=" + state.sel.id); } else { parts.push("passage=" + state.sel.ids.join(",")); }
    }
    if (keys(state.hideClasses)) { parts.push("hide=" + keys(state.hideClasses)); }
    if (keys(state.hidePredicates)) { parts.push("hiderel=" + keys(state.hidePredicates)); }
    if (state.story) { parts.push("story=1"); }
    if (state.focus !== null) { parts.push("focus=" + encodeURIComponent(info[state.focus].iri) + "&hops=" + state.hops); }
    if (keys(state.expanded)) { parts.push("expand=" + keys(state.expanded)); }
    if (state.text) { parts.push("text=1"); }
    return parts.join("&");
  }
  function writeHash(push) {
    if (applying) { return; }
    var hash = serialize();
    if (hash === location.hash.slice(1)) { return; }
    if (push) { history.pushState(null, "", "#" + hash); } else { history.replaceState(null, "", "#" + hash); }
  }
  var byIri = {};
  for (i = 0; i < info.length; i++) { byIri[info[i].iri] = i; }
  function setOf(text) {
    var set = {};
    if (text) { text.split(",").forEach(function (k) { if (k !== "") { set[Number(k)] = true; } }); }
    return set;
  }
  function readHash() {
    var params = {};
    location.hash.slice(1).split("&").forEach(function (part) {
      var at = part.indexOf("=");
      if (at > 0) { params[part.slice(0, at)] = decodeURIComponent(part.slice(at + 1)); }
    });
    applying = true;
    state.hideClasses = setOf(params.hide);
    state.hidePredicates = setOf(params.hiderel);
    state.story = params.story === "1";
    state.focus = params.focus !== undefined && byIri[params.focus] !== undefined ? byIri[params.focus] : null;
    state.hops = Math.max(1, Math.min(9, Number(params.hops) || 1));
    state.expanded = setOf(params.expand);
    applyFilters();
    var sel = null;
    if (params.node !== undefined && byIri[params.node] !== undefined) { sel = { type: "node", id: byIri[params.node] }; } else if (params.edge !== undefined && links[Number(params.edge)]) { sel = { type: "edge", id: Number(params.edge) }; } else if (params.passage) { sel = { type: "passage", ids: params.passage.split(",").map(Number).filter(function (p) { return passages[p]; }) }; }
    select(sel, false);
    setText(params.text === "1");
    applying = false;
  }
  window.addEventListener("popstate", readHash);  // also fires when the fragment is edited

  // --- filters and controls -----------------------------------------------------------------
  var classBoxes = document.querySelectorAll("#kgtool-classes input[data-class]");
  var kindBoxes = document.querySelectorAll("#kgtool-classes input[data-kind]");
  function syncControls() {
    for (var k = 0; k < classBoxes.length; k++) { classBoxes[k].checked = !state.hideClasses[Number(classBoxes[k].getAttribute("data-class"))]; }
    for (k = 0; k < kindBoxes.length; k++) {
      var kind = kindBoxes[k].getAttribute("data-kind"), all = true, none = true;
      for (var c = 0; c < classBoxes.length; c++) {
        if (classBoxes[c].getAttribute("data-of-kind") !== kind) { continue; }
        if (classBoxes[c].checked) { none = false; } else { all = false; }
      }
      kindBoxes[k].checked = all; kindBoxes[k].indeterminate = !all && !none;
    }
    var relBoxes = document.querySelectorAll("#kgtool-predicates input");
    for (k = 0; k < relBoxes.length; k++) { relBoxes[k].checked = !state.hidePredicates[Number(relBoxes[k].getAttribute("data-predicate"))]; }
    $("kgtool-story").checked = state.story;
    $("kgtool-hops").value = String(state.hops);
  }
  for (i = 0; i < classBoxes.length; i++) {
    classBoxes[i].addEventListener("change", function () {
      state.hideClasses[Number(this.getAttribute("data-class"))] = !this.checked;
      state.expanded = {};
      applyFilters(); writeHash(false);
    });
  }
  for (i = 0; i < kindBoxes.length; i++) {
    kindBoxes[i].addEventListener("change", function () {
      for (var c = 0; c < classBoxes.length; c++) {
        if (classBoxes[c].getAttribute("data-of-kind") === this.getAttribute("data-kind")) { state.hideClasses[Number(classBoxes[c].getAttribute("data-class"))] = !this.checked; }
      }
      state.expanded = {};
      applyFilters(); writeHash(false);
    });
  }
  (function buildPredicates() {
    var list = $("kgtool-predicates");
    for (var fam = 0; fam < data.families.length; fam++) {
      var family = data.families[fam];
      var head = el("li", null, { "class": "kind" });
      var swatch = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      swatch.setAttribute("width", "24"); swatch.setAttribute("height", "8"); swatch.setAttribute("aria-hidden", "true");
      var line = document.createElementNS("http://www.w3.org/2000/svg", "line");
      line.setAttribute("x1", "0"); line.setAttribute("y1", "4"); line.setAttribute("x2", "24"); line.setAttribute("y2", "4");
      line.setAttribute("stroke", family.color); line.setAttribute("stroke-width", "3");
      if (family.dashed) { line.setAttribute("stroke-dasharray", "5,3"); }
      swatch.appendChild(line);
      var label = el("label"); label.appendChild(swatch); label.appendChild(el("span", family.label));
      head.appendChild(label);
      list.appendChild(head);
      for (var p = 0; p < data.predicates.length; p++) {
        var pred = data.predicates[p];
        if (pred.family !== family.key) { continue; }
        var li = el("li"), lab = el("label");
        var box = el("input", null, { type: "checkbox", "data-predicate": String(p) });
        box.checked = true;
        box.addEventListener("change", function () { state.hidePredicates[Number(this.getAttribute("data-predicate"))] = !this.checked; applyFilters(); writeHash(false); });
        lab.appendChild(box);
        lab.appendChild(el("span", pred.label + (pred.symmetric ? " ↔" : " →"), { lang: langOf(pred.label) }));
        lab.appendChild(el("span", pred.count, { "class": "count" }));
        li.appendChild(lab); list.appendChild(li);
      }
    }
  })();
  $("kgtool-story").addEventListener("change", function () { state.story = this.checked; applyFilters(); writeHash(false); });
  $("kgtool-hops").addEventListener("change", function () { state.hops = Math.max(1, Math.min(9, Number(this.value) || 1)); if (state.focus !== null) { applyFilters(); } writeHash(false); });
  function focusSelection() {
    if (!state.sel || state.sel.type !== "node") { return; }
    state.focus = state.sel.id; state.expanded = {};
    applyFilters(); network.fit({ nodes: Object.keys(focusSet()).map(Number), animation: false }); writeHash(true);
  }
  $("kgtool-focus").addEventListener("click", focusSelection);
  function reset() {
    state.hideClasses = {}; state.hidePredicates = {}; state.story = false; state.focus = null; state.expanded = {};
    applyFilters(); select(null, false); network.fit(); writeHash(true);
  }
  $("kgtool-reset").addEventListener("click", reset);
  $("kgtool-all-labels").addEventListener("change", function () { state.allLabels = this.checked; refreshLabels(); });
  $("kgtool-physics").addEventListener("change", function () { network.setOptions({ physics: { enabled: this.checked } }); });
  if ($("kgtool-text-toggle")) {
    $("kgtool-text-toggle").addEventListener("click", function () { setText(!state.text); writeHash(false); });
    $("kgtool-text-close").addEventListener("click", function () { setText(false); writeHash(false); $("kgtool-text-toggle").focus(); });
  }
  $("kgtool-panel-close").addEventListener("click", function () { select(null, true, true); container.focus(); });
  $("kgtool-legend-toggle").addEventListener("click", function () {
    var open = $("kgtool-legend").classList.toggle("open");
    this.setAttribute("aria-expanded", String(open));
  });

  // --- the relation list for screen readers ------------------------------------------------
  var relationList = document.querySelector("#kgtool-relations ul");
  function renderRelationList() {
    if (!$("kgtool-relations").open) { return; }  // built when opened: big graphs stay fast
    relationList.textContent = "";
    var fragment = document.createDocumentFragment();
    for (var e = 0; e < links.length; e++) {
      if (!visibleEdge[e]) { continue; }
      fragment.appendChild(el("li", info[edgeFrom[e]][data.lang] + " — " + links[e].label + " — " + info[edgeTo[e]][data.lang]));
    }
    relationList.appendChild(fragment);
  }
  $("kgtool-relations").addEventListener("toggle", renderRelationList);

  // --- search (ARIA 1.2 combobox with a listbox popup) ------------------------------------------
  var search = $("kgtool-search"), results = $("kgtool-results");
  // The lower-case labels and aliases search scans: built once the page is idle after its first
  // drawing (or by the first search), so that they do not delay it.
  var haystack = null;
  function searchIndex() {
    if (!haystack) { haystack = info.map(function (item) { return [item.en, item.ja].concat(item.aliases).join("\n").toLowerCase(); }); }
    return haystack;
  }
  var hits = [], active = -1;
  function closeResults() { results.hidden = true; search.setAttribute("aria-expanded", "false"); search.removeAttribute("aria-activedescendant"); active = -1; }
  function setActive(k) {
    var items = results.children;
    if (active >= 0 && items[active]) { items[active].setAttribute("aria-selected", "false"); }
    active = k;
    if (active >= 0 && items[active]) {
      items[active].setAttribute("aria-selected", "true");
      search.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }
  }
  function runSearch() {
    var query = search.value.trim().toLowerCase();
    results.textContent = "";
    hits = [];
    if (!query) { closeResults(); return; }
    var labels = searchIndex();
    for (var k = 0; k < labels.length && hits.length < 50; k++) { if (labels[k].indexOf(query) >= 0) { hits.push(k); } }
    if (!hits.length) {
      results.appendChild(el("li", T.no_match, { role: "option", "aria-disabled": "true", id: "kgtool-result-none" }));
    }
    var otherLang = data.lang === "en" ? "ja" : "en";
    for (k = 0; k < hits.length; k++) {
      var item = info[hits[k]];
      var li = el("li", null, { role: "option", id: "kgtool-result-" + k, "aria-selected": "false", "data-node": String(hits[k]) });
      li.appendChild(el("span", item[data.lang], { lang: data.lang }));
      if (item[otherLang] !== item[data.lang]) { li.appendChild(el("span", item[otherLang], { "class": "other", lang: otherLang })); }
      li.appendChild(el("span", item.classes.join(", "), { "class": "cls" }));
      li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(Number(this.getAttribute("data-node"))); });
      results.appendChild(li);
    }
    results.hidden = false;
    search.setAttribute("aria-expanded", "true");
    active = -1;
  }
  function choose(id) {
    closeResults();
    search.value = info[id][data.lang];
    select({ type: "node", id: id }, true);
  }
  search.addEventListener("input", runSearch);
  search.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") { event.preventDefault(); if (results.hidden) { runSearch(); } if (hits.length) { setActive((active + 1) % hits.length); } } else if (event.key === "ArrowUp") { event.preventDefault(); if (hits.length) { setActive(active <= 0 ? hits.length - 1 : active - 1); } } else if (event.key === "Enter") { event.preventDefault(); if (hits.length) { choose(hits[active >= 0 ? active : 0]); } } else if (event.key === "Escape") { if (!results.hidden) { event.stopPropagation(); closeResults(); } }
  });
  search.addEventListener("blur", function () { setTimeout(closeResults, 150); });

  // --- keyboard -----------------------------------------------------------------------------
  // n/p cycle through the neighbours of the node the walk started from.
  var walk = null;
  // With the graph focused, arrows pan by a tenth of its box and +/- zoom about the centre.
  var PAN = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  function panKey(key) {
    var scale = network.getScale(), at = network.getViewPosition();
    if (PAN[key]) {
      var step = Math.max(container.clientWidth, container.clientHeight) / 10 / scale;
      network.moveTo({ position: { x: at.x + PAN[key][0] * step, y: at.y + PAN[key][1] * step }, scale: scale });
    } else if (key === "+" || key === "=" || key === "-") {
      network.moveTo({ position: at, scale: scale * (key === "-" ? 1 / 1.25 : 1.25) });
    } else {
      return false;
    }
    return true;
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "SELECT" || target.tagName === "TEXTAREA");
    if (event.key === "Escape") {
      if (state.text && target && $("kgtool-text").contains(target)) { setText(false); writeHash(false); return; }
      if (state.sel) { select(null, true, true); container.focus(); }
      return;
    }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (target === container && panKey(event.key)) { event.preventDefault(); return; }
    if (event.key === "/") { event.preventDefault(); search.focus(); search.select(); } else if ((event.key === "n" || event.key === "p") && state.sel && state.sel.type === "node") {
      if (!walk || walk.current !== state.sel.id) { walk = { anchor: state.sel.id, at: -1 }; }
      var list = incident[walk.anchor].filter(function (e) { return visibleEdge[e]; });
      if (!list.length) { return; }
      walk.at = (walk.at + (event.key === "n" ? 1 : list.length - 1) + (walk.at < 0 && event.key === "p" ? 1 : 0)) % list.length;
      walk.current = other(list[walk.at], walk.anchor);
      select({ type: "node", id: walk.current }, true, true);
    } else if (event.key === "f") { focusSelection(); } else if (event.key === "r") { reset(); } else if (event.key === "t" && $("kgtool-text-toggle")) { setText(!state.text); writeHash(false); }
  });

  // --- exports --------------------------------------------------------------------------------
  function download(name, type, text) {
    var a = el("a", null, { href: "data:" + type + ";charset=utf-8," + encodeURIComponent(text), download: name });
    document.body.appendChild(a); a.click(); a.remove();
  }
  function turtleString(text) { return "\"" + text.replace(/\\/g, "\\\\").replace(/"/g, "\\\"").replace(/\n/g, "\\n").replace(/\r/g, "\\r") + "\""; }
  function iriRef(iri) { return /^[a-z][a-z0-9+.-]*:[^\s<>"{}|\\^`]*$/i.test(iri) ? "<" + iri + ">" : null; }
  $("kgtool-export-png").addEventListener("click", function () {
    var canvas = container.querySelector("canvas");
    var copy = document.createElement("canvas");
    copy.width = canvas.width; copy.height = canvas.height;
    var context = copy.getContext("2d");
    context.fillStyle = dark ? "#1f1f1f" : "#ffffff";
    context.fillRect(0, 0, copy.width, copy.height);
    context.drawImage(canvas, 0, 0);
    var a = el("a", null, { href: copy.toDataURL("image/png"), download: "kgtool-view.png" });
    document.body.appendChild(a); a.click(); a.remove();
  });
  $("kgtool-export-ttl").addEventListener("click", function () {
    var lines = ["@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .", ""];
    for (var n = 0; n < info.length; n++) {
      var s = iriRef(info[n].iri);
      if (!visibleNode[n] || !s) { continue; }
      lines.push(s + " rdfs:label " + turtleString(info[n].en) + "@en , " + turtleString(info[n].ja) + "@ja .");
    }
    for (var e = 0; e < links.length; e++) {
      var from = iriRef(info[edgeFrom[e]].iri), to = iriRef(info[edgeTo[e]].iri), p = iriRef(data.predicates[links[e].p].iri);
      if (visibleEdge[e] && from && to && p && data.predicates[links[e].p].family !== "claims") { lines.push(from + " " + p + " " + to + " ."); }
    }
    download("kgtool-view.ttl", "text/turtle", lines.join("\n") + "\n");
  });
  $("kgtool-export-csv").addEventListener("click", function () {
    // OWASP CSV injection: a cell a spreadsheet would read as a formula gets a leading quote mark.
    function cell(text) {
      if (/^[=+\-@\t\r]/.test(text)) { text = "'" + text; }
      return /[",\n\r]/.test(text) ? "\"" + text.replace(/"/g, "\"\"") + "\"" : text;
    }
    var rows = [["source", "source_label", "predicate", "relation", "target", "target_label", "claims"].join(",")];
    for (var e = 0; e < links.length; e++) {
      if (!visibleEdge[e]) { continue; }
      rows.push([info[edgeFrom[e]].iri, info[edgeFrom[e]][data.lang], data.predicates[links[e].p].iri, links[e].label, info[edgeTo[e]].iri, info[edgeTo[e]][data.lang], String(links[e].claims.length)].map(cell).join(","));
    }
    download("kgtool-view.csv", "text/csv", rows.join("\r\n") + "\r\n");
  });

  // --- start ---------------------------------------------------------------------------------
  window.kgtoolNetwork = network;
  window.kgtool = {
    network: network, nodes: nodes, edges: edges, data: data, ready: false,
    select: function (id) {
      var n = typeof id === "string" ? byIri[id] : id;
      select(n === undefined || n === null ? null : { type: "node", id: n }, true, true);
    },
    state: function () { return JSON.parse(JSON.stringify(state)); },
    visibleNodes: function () { return visibleNode.reduce(function (a, v) { return a + (v ? 1 : 0); }, 0); },
    showPassage: showPassage
  };
  function ready() {
    if (window.kgtool.ready) { return; }
    window.kgtool.ready = true;
    document.body.setAttribute("data-ready", "true");
    (window.requestIdleCallback || setTimeout)(searchIndex);
  }
  buildText();
  applyFilters();
  if (info.length === 0) {
    ready();  // nothing to lay out or draw
  } else if (data.physics) {
    // A bounded refinement of the seeded layout, then physics off: the picture stops moving.
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      network.fit();
      ready();
    });
  } else {
    network.once("afterDrawing", ready);
  }
  network.setData({ nodes: nodes, edges: edges });
  if (location.hash.length > 1) { readHash(); }
})();
