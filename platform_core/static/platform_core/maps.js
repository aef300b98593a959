// The maps of places (platform_core/_map.html, platform_core/maps.py): each element with data-map="<id>" is
// drawn from the JSON data block with that id. Everything on a map is also on its page as text (a list or a
// table), and every form a map fills in is also typed by hand, so without JavaScript nothing is lost; the map
// element stays hidden then. Nothing here writes HTML: texts go in as textContent (the Content-Security-Policy
// allows element.style, which Leaflet uses, but no inline <style> or style="" attributes).
(function () {
  "use strict";

  var POLAND = [[49.0, 14.1], [54.9, 24.2]];
  var OUTLINE = { color: "#1d4f91", weight: 2, fill: false, interactive: false };
  var SHAPE = { color: "#8a1c1c", weight: 2, fillColor: "#d98c1f", fillOpacity: 0.35 };
  var AREA = { color: "#1d4f91", weight: 2, dashArray: "6 4", fillOpacity: 0.08, interactive: false };

  function text(data, key, fallback) {
    return (data.texts && data.texts[key]) || fallback;
  }

  function popupOf(properties) {
    var box = document.createElement("div");
    var title = document.createElement(properties.url ? "a" : "strong");
    if (properties.url) title.href = properties.url;
    title.textContent = properties.label || "";
    box.appendChild(title);
    (properties.details || []).forEach(function (line) {
      var paragraph = document.createElement("p");
      paragraph.textContent = line;
      box.appendChild(paragraph);
    });
    return box;
  }

  function markerOf(latlng, properties) {
    var marker = L.marker(latlng, { alt: properties.label || "", title: properties.label || "", keyboard: true });
    marker.bindPopup(popupOf(properties));
    return marker;
  }

  function drawFeatures(map, data) {
    var points = data.cluster && L.markerClusterGroup
      ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 })
      : L.featureGroup();
    var shapes = L.geoJSON(null, {
      style: function () { return SHAPE; },
      filter: function (feature) { return feature.geometry.type !== "Point"; },
      onEachFeature: function (feature, layer) { layer.bindPopup(popupOf(feature.properties || {})); },
    });
    (data.features.features || []).forEach(function (feature) {
      if (feature.geometry.type === "Point") {
        var position = feature.geometry.coordinates;
        points.addLayer(markerOf([position[1], position[0]], feature.properties || {}));
      } else {
        shapes.addData(feature);
      }
    });
    return [shapes, points];
  }

  // The features' extent, read from their coordinates: a cluster group knows its bounds only once on a map, and
  // the map needs its view before a cluster group is added to it.
  function boundsOf(features) {
    var bounds = L.latLngBounds([]);
    (features.features || []).forEach(function (feature) {
      bounds.extend(L.geoJSON(feature).getBounds());
    });
    return bounds;
  }

  // --- The resident's picker (eforms' location field): a click sets a point in the field's first free row.
  function rowInputs(form, name, index) {
    var inputs = {};
    ["parcel", "locality", "street", "number", "lat", "lon"].forEach(function (part) {
      inputs[part] = form.querySelector('[name="' + name + "-" + index + "-" + part + '"]');
    });
    return inputs.lat && inputs.lon ? inputs : null;
  }

  function rowIsFree(inputs) {
    return ["parcel", "locality", "street", "number", "lat", "lon"].every(function (part) {
      return !inputs[part] || !inputs[part].value.trim();
    });
  }

  function setUpPicker(map, element, data) {
    var picker = data.picker;
    var form = element.closest("form");
    var status = document.getElementById(element.id + "-status");
    if (!form) return;
    var markers = {};
    function show(index, inputs) {
      var lat = parseFloat(inputs.lat.value.replace(",", "."));
      var lon = parseFloat(inputs.lon.value.replace(",", "."));
      if (isNaN(lat) || isNaN(lon)) return;
      if (markers[index]) markers[index].setLatLng([lat, lon]);
      else markers[index] = markerOf([lat, lon], { label: text(data, "point", "Point") + " " + (index + 1) }).addTo(map);
    }
    for (var index = 0; index < picker.rows; index++) {
      var inputs = rowInputs(form, picker.name, index);
      if (inputs) show(index, inputs);
    }
    map.on("click", function (event) {
      var chosen = null;
      for (var index = 0; index < picker.rows && chosen === null; index++) {
        var inputs = rowInputs(form, picker.name, index);
        if (inputs && (markers[index] || rowIsFree(inputs))) chosen = index;
      }
      if (chosen === null) {
        if (status) status.textContent = text(data, "full", "Every row is filled: clear one to pick another point.");
        return;
      }
      var row = rowInputs(form, picker.name, chosen);
      row.lat.value = event.latlng.lat.toFixed(6);
      row.lon.value = event.latlng.lng.toFixed(6);
      show(chosen, row);
      if (status) status.textContent = text(data, "picked", "Point set") + " " + (chosen + 1) + ": " + row.lat.value + ", " + row.lon.value;
    });
  }

  // --- The inbox's area filter: draw a rectangle (or take the visible area) into "south, west, north, east".
  function areaOf(value) {
    var numbers = (value || "").split(/[\s,;]+/).filter(Boolean).map(Number);
    if (numbers.length !== 4 || numbers.some(isNaN)) return null;
    return L.latLngBounds([numbers[0], numbers[1]], [numbers[2], numbers[3]]);
  }

  function areaText(bounds) {
    return [bounds.getSouth(), bounds.getWest(), bounds.getNorth(), bounds.getEast()]
      .map(function (number) { return number.toFixed(5); })
      .join(", ");
  }

  function setUpArea(map, element, data) {
    var input = document.getElementById(data.area.input);
    if (!input) return;
    var rectangle = null;
    function showArea(bounds) {
      if (rectangle) rectangle.setBounds(bounds);
      else rectangle = L.rectangle(bounds, AREA).addTo(map);
      input.value = areaText(bounds);
    }
    var current = areaOf(input.value);
    if (current) rectangle = L.rectangle(current, AREA).addTo(map);

    var bar = document.createElement("div");
    bar.className = "map-tools";
    var draw = document.createElement("button");
    draw.type = "button";
    draw.className = "secondary";
    draw.textContent = text(data, "draw", "Draw an area");
    draw.setAttribute("aria-pressed", "false");
    var visible = document.createElement("button");
    visible.type = "button";
    visible.className = "secondary";
    visible.textContent = text(data, "visible", "Use the visible area");
    bar.appendChild(draw);
    bar.appendChild(visible);
    element.parentNode.insertBefore(bar, element);

    var start = null;
    function stopDrawing() {
      start = null;
      draw.setAttribute("aria-pressed", "false");
      element.classList.remove("map-drawing");
      map.dragging.enable();
    }
    draw.addEventListener("click", function () {
      var on = draw.getAttribute("aria-pressed") !== "true";
      draw.setAttribute("aria-pressed", on ? "true" : "false");
      element.classList.toggle("map-drawing", on);
      if (on) map.dragging.disable();
      else stopDrawing();
    });
    visible.addEventListener("click", function () { showArea(map.getBounds()); });
    map.on("mousedown", function (event) {
      if (draw.getAttribute("aria-pressed") === "true") start = event.latlng;
    });
    map.on("mousemove", function (event) {
      if (start) showArea(L.latLngBounds(start, event.latlng));
    });
    map.on("mouseup", function (event) {
      if (!start) return;
      showArea(L.latLngBounds(start, event.latlng));
      stopDrawing();
    });
  }

  function drawMap(element) {
    var source = document.getElementById(element.dataset.map);
    if (!source || typeof L === "undefined") return;
    var data = JSON.parse(source.textContent);
    element.hidden = false;
    document.querySelectorAll('[data-map-hint="' + element.id + '"]').forEach(function (hint) { hint.hidden = false; });
    // Clustering needs the map's deepest zoom, which a tile layer would give; without one it is set here.
    var map = L.map(element, { scrollWheelZoom: false, maxZoom: data.tiles ? data.tiles.maxZoom : 19 });
    map.attributionControl.setPrefix(false);
    if (data.tiles) {
      L.tileLayer(data.tiles.url, { attribution: data.tiles.attribution, maxZoom: data.tiles.maxZoom }).addTo(map);
    } else {
      element.classList.add("map-plain");
      map.attributionControl.addAttribution(text(data, "plain", "No basemap: the unit's outline and the places"));
    }
    var outline = data.boundary ? L.geoJSON(data.boundary, { style: function () { return OUTLINE; } }) : null;
    var bounds = boundsOf(data.features);
    if (bounds.isValid()) map.fitBounds(bounds.pad(0.2), { maxZoom: 17 });
    else if (outline) map.fitBounds(outline.getBounds());
    else map.fitBounds(POLAND);
    if (outline) outline.addTo(map);
    drawFeatures(map, data).forEach(function (layer) { layer.addTo(map); });
    if (data.picker) setUpPicker(map, element, data);
    if (data.area) setUpArea(map, element, data);
    element.ratuszMap = map;  // for the browser tests and the console
  }

  function drawAll() {
    document.querySelectorAll("[data-map]").forEach(function (element) {
      try {
        drawMap(element);
      } catch (error) {  // one map's failure leaves the page, its text alternative and other maps as they are
        element.hidden = true;
        if (window.console) console.error("map " + element.id + ": " + String(error));
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", drawAll);
  else drawAll();
})();
