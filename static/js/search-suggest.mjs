// Search as you type: turns a search input into an ARIA 1.2 combobox with a listbox of
// suggestions from /search/suggest/. Without JavaScript the plain search form works.

const DEBOUNCE_MS = 200;
const MIN_CHARS = 2;

class SearchSuggest {
  constructor(input) {
    this.input = input;
    this.form = input.form;
    this.url = new URL("suggest/", this.form.action);
    this.options = [];
    this.active = -1;
    this.timer = null;
    this.controller = null;

    const id = `${input.id}-suggestions`;
    this.listbox = document.createElement("ul");
    this.listbox.id = id;
    this.listbox.className = "app-suggestions";
    this.listbox.setAttribute("role", "listbox");
    this.listbox.setAttribute("aria-label", "Search suggestions");
    this.listbox.hidden = true;

    this.status = document.createElement("div");
    this.status.className = "govuk-visually-hidden";
    this.status.setAttribute("role", "status");

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id);
    input.insertAdjacentElement("afterend", this.listbox);
    this.form.appendChild(this.status);

    input.addEventListener("input", () => this.schedule());
    input.addEventListener("keydown", (event) => this.onKeydown(event));
    input.addEventListener("blur", () => window.setTimeout(() => this.close(), 150));
    this.listbox.addEventListener("mousedown", (event) => {
      const option = event.target.closest("[role=option]");
      if (option) {
        event.preventDefault();
        window.location.assign(option.dataset.url);
      }
    });
  }

  schedule() {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.fetchSuggestions(), DEBOUNCE_MS);
  }

  async fetchSuggestions() {
    const query = this.input.value.trim();
    if (query.length < MIN_CHARS) {
      this.close();
      return;
    }
    if (this.controller) this.controller.abort();
    this.controller = new AbortController();
    this.url.searchParams.set("q", query);
    try {
      const response = await fetch(this.url, {
        headers: { Accept: "application/json" },
        signal: this.controller.signal,
      });
      if (!response.ok) return;
      const data = await response.json();
      this.render(data.results || []);
    } catch (error) {
      if (error.name !== "AbortError") this.close();
    }
  }

  render(results) {
    this.listbox.replaceChildren();
    this.options = results.map((result, index) => {
      const option = document.createElement("li");
      option.id = `${this.listbox.id}-${index}`;
      option.className = "app-suggestions__option";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.url = result.url;
      option.textContent = result.title;
      const type = document.createElement("span");
      type.className = "app-suggestions__type";
      type.textContent = result.type;
      option.appendChild(type);
      this.listbox.appendChild(option);
      return option;
    });
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    const open = this.options.length > 0;
    this.listbox.hidden = !open;
    this.input.setAttribute("aria-expanded", String(open));
    this.status.textContent = open
      ? `${this.options.length} suggestion${this.options.length === 1 ? "" : "s"}. Use up and down arrows to choose.`
      : "No suggestions";
  }

  move(step) {
    if (!this.options.length) return;
    if (this.active >= 0) this.options[this.active].setAttribute("aria-selected", "false");
    this.active = (this.active + step + this.options.length) % this.options.length;
    const option = this.options[this.active];
    option.setAttribute("aria-selected", "true");
    this.input.setAttribute("aria-activedescendant", option.id);
  }

  onKeydown(event) {
    const open = !this.listbox.hidden;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (open) this.move(1);
      else this.fetchSuggestions();
    } else if (event.key === "ArrowUp" && open) {
      event.preventDefault();
      this.move(-1);
    } else if (event.key === "Enter" && open && this.active >= 0) {
      event.preventDefault();
      window.location.assign(this.options[this.active].dataset.url);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      this.close();
    }
  }

  close() {
    this.listbox.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.active = -1;
  }
}

export function initSearchSuggest(scope = document) {
  scope.querySelectorAll('[data-module="app-search-suggest"]').forEach((input) => {
    if (input.form) new SearchSuggest(input);
  });
}
