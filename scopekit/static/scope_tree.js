// scopekit's scope tree view (anywidget ESM, no build step).
//
// Python holds the tree and decides what every row says (scopekit/render/present.py);
// this view only draws what it was sent. It asks for a node's children when the
// node is opened ("expand"), for a search ("find") or a reveal-by-name ("reveal"),
// through anywidget commands: each answer comes back to the request that asked,
// with its own timeout. Every user string is inserted with textContent: names
// like <img src=x onerror=...> stay text.

const PAGE_HINT = "show more";
const ANSWER_TIMEOUT_MS = 10000;
const ICONS = { variable: "\u25cf", op: "\u25c6", series: "\u2261", scope: "\u25a1", graph: "\u25a3" };
const ICON_WORDS = { variable: "variable", op: "op", series: "series", scope: "scope", graph: "graph" };
const PART_WORDS = {
  name_scope: "from name scope",
  variable_scope: "from variable scope",
  both: "from both scopes",
  other: "from neither scope",
  own: "own name",
};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function render({ model, el: host, experimental }) {
  // -- state -------------------------------------------------------------
  let nodes = new Map(); // id -> {data, parent, pages: Map(page -> [ids]), total, open, loading}
  let rootId = null;
  let selected = null;
  let selectedName = null;
  let visible = []; // ids of the rows drawn, in order (keyboard navigation)
  let search = { query: "", index: 0, total: 0 };
  let generation = 0; // bumped when the tree is replaced: late answers are dropped
  const uid = Math.random().toString(36).slice(2); // row ids unique on the page

  // -- layout ------------------------------------------------------------
  const box = el("div", "sk-widget");
  host.appendChild(box);
  const header = el("div", "sk-header");
  const toolbar = el("div", "sk-toolbar");
  const legend = el("div", "sk-legend");
  const body = el("div", "sk-body");
  const tree = el("div", "sk-tree");
  tree.tabIndex = 0;
  tree.setAttribute("role", "tree");
  tree.setAttribute("aria-label", "scope tree");
  const detail = el("div", "sk-detail");
  detail.setAttribute("aria-live", "polite");
  const status = el("div", "sk-status");
  body.append(tree, detail);
  box.append(header, toolbar, legend, body, status);

  // toolbar: the view toggle and the search box
  const found = el("span", "sk-found");
  const toggle = el("div", "sk-toggle");
  toggle.setAttribute("role", "radiogroup");
  const viewButtons = {};
  for (const [view, words] of [
    ["name", "name view (graph names)"],
    ["variable", "variable view (get_variable / checkpoint)"],
  ]) {
    const button = el("button", "sk-view", words);
    button.type = "button";
    button.dataset.view = view;
    button.setAttribute("role", "radio");
    button.addEventListener("click", () => {
      if (model.get("view") === view) return;
      model.set("view", view);
      model.save_changes();
    });
    viewButtons[view] = button;
    toggle.appendChild(button);
  }
  toggle.setAttribute("aria-label", "which tree");
  const searchBox = el("input", "sk-search");
  searchBox.type = "search";
  searchBox.placeholder = "find a name, Enter for next";
  searchBox.setAttribute("aria-label", "find a name in the scope tree");
  const prev = el("button", "sk-prev", "\u2191");
  prev.title = "previous match";
  prev.setAttribute("aria-label", "previous match");
  const next = el("button", "sk-next", "\u2193");
  next.title = "next match";
  next.setAttribute("aria-label", "next match");
  found.setAttribute("role", "status");
  toolbar.append(toggle, searchBox, prev, next, found);

  function legendItem(className, text, title) {
    const item = el("span", className, text);
    if (title) item.title = title;
    return item;
  }
  legend.append(
    legendItem("sk-badge ns", "[N] name scope", "tf.name_scope: prefixes op names"),
    legendItem("sk-badge vs", "[V] variable scope", "tf.variable_scope: prefixes get_variable names"),
    legendItem("sk-badge lib", "[lib] library scope", "opened by TensorFlow or a library"),
    legendItem("sk-key", `${ICONS.variable} variable`),
    legendItem("sk-key", `${ICONS.op} op`),
    legendItem("sk-key", `${ICONS.series} series`),
    legendItem("sk-part name_scope", "from name scope"),
    legendItem("sk-part variable_scope", "from variable scope"),
    legendItem("sk-part both", "from both"),
  );

  // -- header: headline, notes (click one to find its name), error ------------
  function drawHeader() {
    const info = model.get("header") || {};
    header.replaceChildren();
    header.appendChild(el("div", "sk-headline", `scopekit: ${info.headline || ""}`));
    if (info.notes && info.notes.length) {
      const list = el("ul", "sk-notes");
      for (const note of info.notes) {
        const item = el("li", "sk-note", note.message);
        item.title = "show it in the tree";
        item.addEventListener("click", () => ask("reveal", { name: note.subject }));
        list.appendChild(item);
      }
      if (info.more_notes) list.appendChild(el("li", "sk-dim", `... ${info.more_notes} more notes`));
      header.appendChild(list);
    }
    if (info.all_notes && info.all_notes.length) {
      const every = el("details", "sk-all-notes");
      every.appendChild(el("summary", null, `All ${info.total_notes} notes`));
      const list = el("ul", "sk-notes");
      for (const note of info.all_notes) list.appendChild(el("li", "sk-note", note));
      if (info.total_notes > info.all_notes.length) {
        list.appendChild(el("li", "sk-dim", `... ${info.total_notes - info.all_notes.length} more (capture.notes)`));
      }
      every.appendChild(list);
      header.appendChild(every);
    }
    if (info.error) header.appendChild(el("div", "sk-error", info.error));
  }

  // -- talking to Python -------------------------------------------------
  async function ask(name, message) {
    const asked = generation;
    try {
      const [answer] = await experimental.invoke(name, message, {
        signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
      });
      if (asked !== generation) return; // the tree was replaced meanwhile
      status.textContent = "";
      if (name === "describe") {
        if (answer.detail && nodes.has(answer.id)) {
          nodes.get(answer.id).detail = answer.detail;
          if (selected === answer.id) drawDetail();
        }
      } else applyAnswer(answer);
    } catch (error) {
      if (asked !== generation) return;
      status.textContent = "No answer from the kernel: run the cell again to explore deeper levels.";
      for (const node of nodes.values()) node.loading = false;
      draw();
    }
  }

  function addBatch(batch) {
    const parent = nodes.get(batch.id);
    if (!parent) return; // an answer for a view that was replaced
    parent.total = batch.total;
    parent.pageSize = batch.page_size;
    const ids = [];
    for (const data of batch.nodes) {
      const known = nodes.get(data.id);
      if (known) known.data = data;
      else nodes.set(data.id, { data, parent: batch.id, pages: new Map(), total: data.count, open: false });
      ids.push(data.id);
    }
    parent.pages.set(batch.page, ids);
    parent.loading = false;
  }

  function applyAnswer(message) {
    for (const batch of message.batches || []) addBatch(batch);
    for (const id of message.open || []) {
      const node = nodes.get(id);
      if (node) node.open = true;
    }
    if (message.search) {
      search = message.search;
      found.textContent = search.total
        ? `match ${search.index + 1} of ${search.total}: ${search.name}`
        : `no name contains "${search.query}"`;
      found.classList.toggle("sk-none", !search.total);
    }
    if (message.select !== undefined && nodes.has(message.select)) select(message.select, true);
    draw();
  }

  function loadInitial() {
    const initial = model.get("initial") || {};
    generation += 1;
    nodes = new Map();
    rootId = initial.root;
    nodes.set(rootId, { data: { id: rootId, count: 0 }, parent: null, pages: new Map(), open: true });
    applyAnswer({ batches: initial.batches, open: initial.open });
    for (const [view, button] of Object.entries(viewButtons)) {
      const on = model.get("view") === view;
      button.classList.toggle("sk-on", on);
      button.setAttribute("aria-checked", String(on));
    }
    selected = null;
    drawDetail();
    // The node selected in the other view: find it again (the leaf that moved).
    if (selectedName) ask("reveal", { name: selectedName });
  }

  model.on("change:initial", loadInitial);
  model.on("change:header", drawHeader);

  // -- opening and selecting ---------------------------------------------
  function setOpen(id, open) {
    const node = nodes.get(id);
    if (!node || !node.data.count) return;
    node.open = open;
    if (open && !node.pages.has(0)) {
      node.loading = true;
      ask("expand", { id, page: 0 });
    }
    draw();
  }

  function select(id, scroll) {
    selected = id;
    const node = nodes.get(id);
    selectedName = node ? node.data.name : null;
    if (node && !node.detail) ask("describe", { id });
    drawDetail();
    draw();
    if (scroll) {
      const row = tree.querySelector(`[data-id="${id}"]`);
      if (row && row.scrollIntoView) row.scrollIntoView({ block: "nearest" });
    }
  }

  // -- drawing the tree ----------------------------------------------------
  function row(id, depth) {
    const node = nodes.get(id);
    const data = node.data;
    const line = el("div", `sk-row sk-${data.kind}${data.dim ? " sk-dim" : ""}`);
    line.dataset.id = String(id);
    line.id = `sk-${uid}-${id}`;
    line.setAttribute("role", "treeitem");
    line.setAttribute("aria-level", String(depth + 1));
    line.setAttribute("aria-selected", String(selected === id));
    if (selected === id) line.classList.add("sk-selected");
    line.style.paddingLeft = `${depth * 16 + 4}px`;
    const twisty = el("span", "sk-twisty", data.count ? (node.open ? "\u25be" : "\u25b8") : "");
    if (data.count) {
      line.setAttribute("aria-expanded", String(node.open));
      twisty.addEventListener("click", (event) => {
        event.stopPropagation();
        setOpen(id, !node.open);
      });
    }
    const icon = el("span", "sk-icon", ICONS[data.kind] || "");
    icon.title = ICON_WORDS[data.kind] || "";
    line.append(twisty, icon, el("span", "sk-label", data.label));
    for (const [css, letter, words] of data.badges) {
      line.appendChild(el("span", `sk-badge ${css}`, `[${letter}] ${words}`));
    }
    line.appendChild(el("span", "sk-summary", data.summary));
    if (data.folded) line.appendChild(el("span", "sk-folded", `(${data.folded})`));
    if (node.loading) line.appendChild(el("span", "sk-loading", "loading..."));
    line.addEventListener("click", () => {
      select(id, false);
      tree.focus();
    });
    line.addEventListener("dblclick", () => setOpen(id, !node.open));
    return line;
  }

  function moreRow(parentId, page, hidden, depth) {
    const line = el("div", "sk-row sk-more", `${PAGE_HINT} (${hidden} not shown yet)`);
    line.setAttribute("role", "treeitem");
    line.setAttribute("aria-level", String(depth + 1));
    line.style.paddingLeft = `${depth * 16 + 20}px`;
    line.addEventListener("click", () => {
      nodes.get(parentId).loading = true;
      ask("expand", { id: parentId, page });
      draw();
    });
    return line;
  }

  function drawChildren(parentId, depth, out) {
    const parent = nodes.get(parentId);
    const total = parent.total || 0;
    const pageSize = parent.pageSize || 1;
    const pages = Math.max(1, Math.ceil(total / pageSize));
    let shown = 0;
    for (let page = 0; page < pages; page++) {
      const ids = parent.pages.get(page);
      if (ids) {
        for (const id of ids) {
          out.push(row(id, depth));
          visible.push(id);
          shown++;
          const child = nodes.get(id);
          if (child.open && child.pages.size) drawChildren(id, depth + 1, out);
        }
      } else if (page === 0 || parent.pages.has(page - 1)) {
        // One row for each run of pages not loaded yet.
        let end = page;
        while (end + 1 < pages && !parent.pages.has(end + 1)) end++;
        const loadedAfter = [...parent.pages.keys()].filter((p) => p > end);
        const hidden = Math.max(0, total - shown - loadedAfter.reduce((n, p) => n + parent.pages.get(p).length, 0));
        if (hidden) out.push(moreRow(parentId, page, hidden, depth));
      }
    }
  }

  function draw() {
    visible = [];
    const out = [];
    if (nodes.has(rootId)) drawChildren(rootId, 0, out);
    if (!out.length) {
      const empty = el("div", "sk-empty", "The cell created no ops, variables or scopes.");
      empty.setAttribute("role", "treeitem");
      out.push(empty);
    }
    tree.replaceChildren(...out);
    // Keyboard focus stays on the tree; screen readers follow the selected row.
    if (selected !== null && visible.includes(selected)) {
      tree.setAttribute("aria-activedescendant", `sk-${uid}-${selected}`);
    } else tree.removeAttribute("aria-activedescendant");
  }

  // -- the detail pane ---------------------------------------------------
  function drawDetail() {
    detail.replaceChildren();
    const node = selected !== null ? nodes.get(selected) : null;
    if (!node) {
      detail.appendChild(el("div", "sk-hint", "Select a node (click, or arrow keys) to see where its name came from."));
      return;
    }
    const info = node.detail;
    if (!info) {
      detail.appendChild(el("div", "sk-hint", `${node.data.name}: loading...`));
      return;
    }
    detail.appendChild(el("div", "sk-title", info.title));
    for (const section of info.sections) {
      const part = el("section", "sk-section");
      if (section.heading) part.appendChild(el("div", "sk-heading", section.heading));
      if (section.parts) {
        const name = el("div", "sk-name");
        for (const [text, source] of section.parts) {
          const piece = el("span", `sk-piece sk-part ${source}`);
          piece.append(el("code", null, text), el("span", "sk-caption", PART_WORDS[source] || source));
          name.appendChild(piece);
        }
        part.appendChild(name);
      }
      const table = el("table", "sk-rows");
      for (const [key, value] of section.rows) {
        const line = el("tr");
        line.append(el("th", null, key), el("td", null, value));
        table.appendChild(line);
      }
      part.appendChild(table);
      detail.appendChild(part);
    }
    if (info.notes && info.notes.length) {
      const list = el("ul", "sk-notes");
      for (const note of info.notes) list.appendChild(el("li", "sk-note", note));
      detail.appendChild(list);
    }
  }

  // -- keyboard: arrows move, Right/Left open/close, Enter toggles -------
  tree.addEventListener("keydown", (event) => {
    if (!visible.length) return;
    let at = visible.indexOf(selected);
    const node = at >= 0 ? nodes.get(selected) : null;
    const key = event.key;
    if (key === "ArrowDown") at = Math.min(visible.length - 1, at + 1);
    else if (key === "ArrowUp") at = Math.max(0, at - 1);
    else if (key === "Home") at = 0;
    else if (key === "End") at = visible.length - 1;
    else if (key === "ArrowRight" && node) {
      if (node.data.count && !node.open) return event.preventDefault(), setOpen(selected, true);
      if (node.open && at + 1 < visible.length) at += 1;
    } else if (key === "ArrowLeft" && node) {
      if (node.open) return event.preventDefault(), setOpen(selected, false);
      if (node.parent !== rootId && node.parent !== null) at = visible.indexOf(node.parent);
    } else if ((key === "Enter" || key === " ") && node) {
      event.preventDefault();
      return setOpen(selected, !node.open);
    } else return;
    event.preventDefault();
    if (at >= 0) select(visible[at], true);
  });

  // -- search ------------------------------------------------------------
  function find(step) {
    const query = searchBox.value;
    if (!query.trim()) return;
    const index = query === search.query ? search.index + step : 0;
    ask("find", { query, index }); // Python wraps around
  }
  searchBox.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      find(event.shiftKey ? -1 : 1);
    }
  });
  next.addEventListener("click", () => find(1));
  prev.addEventListener("click", () => find(-1));

  drawHeader();
  loadInitial();
  return () => {
    generation += 1; // answers still on their way find no view
  };
}

export default { render };
