"""Pages of the API's lists: ninja's page numbers, with a page past the last one a 404.

Ninja would turn any page number into an offset, and a page like 99999999999999999999
into one the database cannot take (a 500). Counting first gives the last page, and
anything beyond it is "not found", as a page that does not exist should be.
"""

import math

from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination

MSG_NO_SUCH_PAGE = "There is no page {page}: the last page is {last}."


class PageNumber(PageNumberPagination):
    def paginate_queryset(self, queryset, pagination, request, **params):
        page_size = self._get_page_size(pagination.page_size)
        count = self._items_count(queryset)
        last = max(1, math.ceil(count / page_size))
        if pagination.page > last:
            raise HttpError(404, MSG_NO_SUCH_PAGE.format(page=pagination.page, last=last))
        offset = (pagination.page - 1) * page_size
        return {self.items_attribute: queryset[offset : offset + page_size], "count": count}
