"""Write live recipes, and the catalogue objects they need, as a JSON document another
Plumbing site can import with import_recipes."""

import json

from django.core.management.base import BaseCommand, CommandError

from recipes.file_format import InterchangeError
from recipes.interchange import recipes_export


class Command(BaseCommand):
    help = "Export live recipes (all, or the slugs given) as JSON for import_recipes."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Recipe slugs; all live recipes if none.")
        parser.add_argument("--output", "-o", help="File to write; standard output if not given.")

    def handle(self, *args, slugs, output, **options):
        try:
            document = recipes_export(slugs or None)
        except InterchangeError as error:
            raise CommandError("; ".join(error.errors)) from None
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as target:
                target.write(text)
            self.stderr.write(f"Wrote {len(document['recipes'])} recipe(s) to {output}")
        else:
            self.stdout.write(text, ending="")
