// Progressive enhancement for a saved basket: a "Copy link" button. Without JavaScript
// the link is in a read-only text box people can select and copy themselves.
for (const button of document.querySelectorAll("[data-copy-button]")) {
  const source = document.getElementById(button.dataset.copyButton);
  const status = document.querySelector("[data-copy-status]");
  if (!source || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.value);
      if (status) status.textContent = "Link copied.";
    } catch {
      source.select();
      if (status) status.textContent = "Press Ctrl+C or Cmd+C to copy the link.";
    }
  });
}
