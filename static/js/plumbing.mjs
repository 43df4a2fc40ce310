// Progressive enhancement only: every page works without this file.
import { initAll } from "../govuk/govuk-frontend.min.js";
import { initSearchSuggest } from "./search-suggest.mjs";

initAll();
initSearchSuggest();
