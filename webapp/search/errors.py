"""What index operations raise when the index cannot be used now."""


class IndexUnavailable(RuntimeError):
    """The index is busy (another writer) or missing/broken; the work stays pending."""


class IndexBusy(IndexUnavailable):
    pass
