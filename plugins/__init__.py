"""ejournal's own plugins. Each is found only through the ``ejournal.plugins``
entry-point group, exactly as a plugin from another package would be."""
