// Progressive enhancement for the basket: save a component's choice as soon as a radio
// button changes. Without JavaScript each component has its own "Save choice" button,
// which posts the same form; here the form is sent with fetch, asking for JSON, and the
// page says what was saved and shows the new totals.
const status = document.querySelector("[data-basket-status]");

function say(message) {
  if (status) status.textContent = message;
}

async function save(form) {
  const response = await fetch(form.action, {
    method: "POST",
    body: new FormData(form),
    headers: { Accept: "application/json" },
    credentials: "same-origin",
  });
  const data = await response.json();
  if (!response.ok) {
    say((data.errors || ["Your choice was not saved. Try the Save choice button."]).join(" "));
    return;
  }
  say(data.message);
  const saved = form.querySelector("[data-saved-message]");
  if (saved) {
    saved.textContent = data.message;
    saved.hidden = false;
  }
  for (const [name, text] of Object.entries(data.totals)) {
    const cell = document.querySelector(`[data-total="${name}"] strong, [data-total="${name}"]`);
    if (cell) cell.firstChild.textContent = text;
  }
  for (const [componentId, line] of Object.entries(data.lines)) {
    const section = document.getElementById(`line-${componentId}`);
    const lineStatus = section && section.querySelector("[data-line-status]");
    if (lineStatus) lineStatus.textContent = line.status;
  }
}

for (const form of document.querySelectorAll("[data-module='app-basket-choice']")) {
  form.addEventListener("change", (event) => {
    if (event.target.type !== "radio") return;
    save(form).catch(() => say("Your choice was not saved. Try the Save choice button."));
  });
}
