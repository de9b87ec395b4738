def register_views(appbuilder):
    pass
