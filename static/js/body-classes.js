// Runs before the page paints so GOV.UK Frontend styles for JavaScript-enabled
// browsers apply without a flash. Kept as a file so the CSP needs no inline script.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
