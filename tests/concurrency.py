"""Run jobs at the same instant from threads, for the PostgreSQL concurrency tests."""

import threading

from django.db import connections

from core import errors


def run_at_once(jobs):
    """Run each job in its own thread, released together by a barrier; collect outcomes.

    Each outcome is ("ok", result), ("refused", DomainError) or ("crashed", exception).
    Every thread closes its connections, or the test database cannot be dropped.
    """
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait()
            outcomes[index] = ("ok", job())
        except errors.DomainError as error:
            outcomes[index] = ("refused", error)
        except Exception as error:
            outcomes[index] = ("crashed", error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
