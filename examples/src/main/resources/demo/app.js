// The notification center of notify's demo: one Socket.IO connection to node 1 or 2 as ?user=…&node=….
// The inbox comes from "notification:inbox"; "notification:new" and "notification:batch" add to it live (both
// acknowledged, de-duplicated by id); "notification:read-sync" marks read what any tab of the user read.
"use strict";

(() => {
  const params = new URLSearchParams(location.search);
  const user = params.get("user") || "alice";
  const nodeName = params.get("node") || "1";
  const ACK_TIMEOUT_MS = 10000;

  const el = (id) => document.querySelector(`[data-testid="${id}"]`);
  const ui = {
    user: el("user"),
    node: el("node"),
    state: el("connection-state"),
    badge: el("unread-badge"),
    list: el("notification-list"),
    status: el("status"),
    sendOrder: el("send-order"),
    markAllRead: el("mark-all-read"),
    otherNode: el("other-node"),
  };

  // id -> notification as the server sent it; status is "pending", "delivered" or "read"
  let items = new Map();
  // ids known to be read, so a late "new" or a repeated read-sync changes nothing
  let readIds = new Set();
  // unread notifications older than the loaded page: counted in the badge, not listed
  let hiddenUnread = 0;

  ui.user.textContent = user;
  ui.node.textContent = `node ${nodeName}`;
  document.title = `${user} · node ${nodeName} · notifications`;

  function setState(state, text) {
    ui.state.dataset.state = state;
    ui.state.textContent = text;
  }

  function say(text) {
    ui.status.textContent = text;
  }

  function render() {
    const sorted = [...items.values()].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));  // newest first
    ui.list.replaceChildren(...sorted.map(renderItem));
    const unread = hiddenUnread + sorted.filter((n) => n.status !== "read").length;
    ui.badge.textContent = String(unread);
    ui.badge.dataset.count = String(unread);
    document.title = `${unread > 0 ? `(${unread}) ` : ""}${user} · node ${nodeName} · notifications`;
  }

  function renderItem(n) {
    const li = document.createElement("li");
    li.dataset.testid = "notification-item";
    li.dataset.id = n.id;
    li.dataset.status = n.status === "read" ? "read" : "unread";
    const title = document.createElement("div");
    title.className = "title";
    title.textContent = n.title;
    const message = document.createElement("div");
    message.className = "message";
    message.textContent = n.message;
    const time = document.createElement("div");
    time.className = "time";
    time.textContent = `${new Date(n.createdAt).toLocaleString()} · ${n.type}`;
    li.append(title, message, time);
    if (n.status !== "read") {
      li.title = "click to mark read";
      li.addEventListener("click", () => markRead(n.id));
    }
    return li;
  }

  function add(n) {
    if (!n || typeof n.id !== "string") return;
    const known = items.get(n.id);
    const read = readIds.has(n.id) || n.status === "read" || known?.status === "read";
    items.set(n.id, { ...known, ...n, status: read ? "read" : n.status });
    if (read) readIds.add(n.id);
  }

  function applyRead(ids) {
    for (const id of ids || []) {
      if (readIds.has(id)) continue;
      readIds.add(id);
      const n = items.get(id);
      if (n) {
        n.status = "read";
      } else {
        hiddenUnread = Math.max(0, hiddenUnread - 1);  // unread before, older than the page
      }
    }
    render();
  }

  if (typeof io !== "function") {
    setState("error", "no Socket.IO client");
    say("socket.io.min.js did not load: run `npm ci --prefix interop` in the repository, restart the demo, reload.");
    return;
  }

  let live = null;  // the socket, once the node's port is known

  function deviceId() {
    let id = sessionStorage.getItem("notify-demo-device");
    if (!id) {
      id = "tab-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10);
      sessionStorage.setItem("notify-demo-device", id);
    }
    return id;
  }

  async function start() {
    const config = await (await fetch("config")).json();
    const node = config.nodes.find((n) => n.name === nodeName);
    if (!node) {
      setState("error", `no node ${nodeName}`);
      say(`Unknown node "${nodeName}": this demo has nodes ${config.nodes.map((n) => n.name).join(" and ")}.`);
      return;
    }
    const other = config.nodes.find((n) => n.name !== nodeName);
    if (other) {
      const href = `?user=${encodeURIComponent(user)}&node=${other.name}`;
      ui.otherNode.href = href;
      ui.otherNode.textContent = `${user} on node ${other.name}`;
    }
    ui.node.textContent = `node ${nodeName} (port ${node.port})`;
    // demo-grade auth: the token is the user name (see the node's auth middleware); each tab is a device of its own,
    // kept across reloads, so a tab that was closed gets on its return what the other tabs acknowledged meanwhile
    live = io(`${location.protocol}//${location.hostname}:${node.port}`, { auth: { token: user, deviceId: deviceId() } });

    live.on("connect", () => {
      setState("connected", `connected (${live.io.engine.transport.name})`);
      live.io.engine.once("upgrade", (t) => setState("connected", `connected (${t.name})`));
      // a new connection starts from the inbox: anything received from now on is newer than this reset
      items = new Map();
      readIds = new Set();
      hiddenUnread = 0;
      loadInbox();
    });
    live.on("disconnect", (reason) => setState("disconnected", `disconnected: ${reason}`));
    live.on("connect_error", (err) => setState("error", `cannot connect: ${err.message}`));

    live.on("notification:new", (n, ack) => {
      add(n);
      render();
      if (typeof ack === "function") ack({ ok: true });
    });
    live.on("notification:batch", (batch, ack) => {
      for (const n of batch?.notifications || []) add(n);
      render();
      if (typeof ack === "function") ack({ ok: true });
    });
    live.on("notification:read-sync", (sync) => applyRead(sync?.ids));
  }

  async function loadInbox() {
    try {
      const answer = await live.timeout(ACK_TIMEOUT_MS).emitWithAck("notification:inbox", { limit: 50 });
      if (answer?.ok === false) throw new Error(answer.error);
      for (const n of answer.items) add(n);
      const unreadInPage = answer.items.filter((n) => n.status !== "read").length;
      hiddenUnread = Math.max(0, answer.unread - unreadInPage);
      render();
    } catch (e) {
      say(`Could not load the inbox: ${e.message}`);
    }
  }

  async function markRead(id) {
    if (!live) return;
    try {
      const answer = await live.timeout(ACK_TIMEOUT_MS).emitWithAck("notification:read", id);
      if (answer?.ok === false) throw new Error(answer.error);
      applyRead(answer.ids);
    } catch (e) {
      say(`Could not mark it read: ${e.message}`);
    }
  }

  ui.markAllRead.addEventListener("click", async () => {
    if (!live) return;
    try {
      const answer = await live.timeout(ACK_TIMEOUT_MS).emitWithAck("notification:read-all");
      if (answer?.ok === false) throw new Error(answer.error);
      applyRead(answer.ids);
      say(answer.ids.length ? `Marked ${answer.ids.length} read.` : "Nothing unread.");
    } catch (e) {
      say(`Could not mark all read: ${e.message}`);
    }
  });

  ui.sendOrder.addEventListener("click", async () => {
    ui.sendOrder.disabled = true;
    try {
      // the order service (a socket-less NotificationService on a RedisEmitter) stores it; a node delivers it
      const response = await fetch("orders", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ user }),
      });
      const answer = await response.json();
      if (!response.ok) throw new Error(answer.error || response.statusText);
      say(`Order #${answer.order}: notification ${answer.id} sent by the order service.`);
    } catch (e) {
      say(`The order service failed: ${e.message}`);
    } finally {
      ui.sendOrder.disabled = false;
    }
  });

  render();
  start().catch((e) => {
    setState("error", "cannot start");
    say(`Could not read the demo's configuration: ${e.message}`);
  });
})();
