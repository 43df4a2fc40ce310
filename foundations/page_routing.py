"""Page routing in one query a level, for page types whose children are all of one type."""


class RoutesToItsOneChildType:
    """Wagtail finds the child a URL names as a plain Page, then reads its specific row: two
    queries for each level of the path. A page type with exactly one subpage type already
    knows what its children are, so it reads the child, specific, in one query. A child of
    another type (possible only through data that bypassed the admin's rules) and an unknown
    slug go to Wagtail's own routing, which finds the first and answers 404 for the second.
    """

    def route(self, request, path_components):
        child_models = self.allowed_subpage_models()
        if path_components and len(child_models) == 1:
            child = child_models[0].objects.child_of(self).filter(slug=path_components[0]).first()
            if child is not None:
                child._cached_parent_obj = self
                return child.route(request, path_components[1:])
        return super().route(request, path_components)
