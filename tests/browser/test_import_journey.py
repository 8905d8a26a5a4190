"""An admin imports customers from a CSV file in the Django admin: upload, preview with a
refused row, confirm; on a desktop and on a phone."""

import pytest
from playwright.sync_api import expect

from customers.models import Customer

pytestmark = pytest.mark.browser
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
FILE = (
    b"name,email,phone,company,referral_code,referred_by_code,first_purchase_value,notes\n"
    b"Greta Lindqvist,greta@example.com,,Lindqvist Design,GRETA1,,,\n"
    b"Tom\xc3\xa1s Herrera,tomas@example.com,,,,GRETA1,420.00,\n"
    b"Broken Row,not-an-email,,,,,,\n"
)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_an_admin_imports_customers(page, login, live_server, admin_user, team, shot, size):
    page.set_viewport_size(SIZES[size])
    login(page, admin_user)
    page.goto(f"{live_server.url}/admin/customers/customer/")
    page.get_by_role("link", name="Import from CSV").click()
    page.get_by_label("CSV file").set_input_files({"name": "customers.csv", "mimeType": "text/csv", "buffer": FILE})
    shot(page, f"import-upload-{size}")
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_text("line 4: email: Enter a valid email address")).to_be_visible()
    assert not Customer.objects.exists()
    shot(page, f"import-preview-{size}")

    page.get_by_role("button", name="Import 2 customers").click()
    expect(page.get_by_text("Imported 2 customers into Harbour")).to_be_visible()
    shot(page, f"import-done-{size}")
    assert Customer.objects.get(name="Tomás Herrera").referred_by.name == "Greta Lindqvist"
