// kgtool network view: builds the vis-network from the JSON data embedded in the page.
// Inlined by kgtool.render (its sha256 goes into the page's Content-Security-Policy).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kgtool-data").textContent);

  // Tooltips are DOM elements filled with textContent: data is never parsed as HTML.
  function tooltip(lines) {
    var box = document.createElement("div");
    box.className = "kgtool-tip";
    for (var i = 0; i < lines.length; i++) {
      var row = document.createElement("div");
      row.className = "kgtool-tip-" + lines[i][0];
      row.textContent = lines[i][1];
      box.appendChild(row);
    }
    return box;
  }
  function withTooltips(items) {
    for (var i = 0; i < items.length; i++) {
      items[i].title = tooltip(items[i].tip);
      delete items[i].tip;
    }
    return items;
  }

  var nodes = new vis.DataSet(withTooltips(data.nodes));
  var edges = new vis.DataSet(withTooltips(data.edges));
  var container = document.getElementById("kgtool-network");
  var network = new vis.Network(container, {}, data.options);
  window.kgtoolNetwork = network;
  window.kgtool = { network: network, nodes: nodes, edges: edges, ready: false };

  function ready() {
    if (window.kgtool.ready) { return; }
    window.kgtool.ready = true;
    document.body.setAttribute("data-ready", "true");
  }
  if (data.nodes.length === 0) {
    ready();  // nothing to lay out or draw
  } else if (data.physics) {
    network.once("stabilizationIterationsDone", function () { network.fit(); ready(); });
  } else {
    network.once("afterDrawing", ready);
  }
  network.setData({ nodes: nodes, edges: edges });

  var select = document.getElementById("kgtool-find");
  var sorted = nodes.get({ fields: ["id", "label"] });
  sorted.sort(function (a, b) { return a.label.localeCompare(b.label); });
  var fragment = document.createDocumentFragment();
  for (var i = 0; i < sorted.length; i++) {
    var option = document.createElement("option");
    option.value = String(sorted[i].id);
    option.textContent = sorted[i].label;
    fragment.appendChild(option);
  }
  select.appendChild(fragment);
  select.addEventListener("change", function () {
    if (select.value === "") { return; }
    var id = Number(select.value);
    network.selectNodes([id]);
    network.focus(id, { scale: 1.4, animation: { duration: 400 } });
  });
})();
