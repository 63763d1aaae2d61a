from django.urls import reverse


def test_manager_reaches_manager_home(client_for, manager_max):
    response = client_for(manager_max).get(reverse("core:home"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("dashboards:manager")
    assert b"Operations" in response.content


def test_admin_reaches_admin_home(client_for, admin_ada):
    response = client_for(admin_ada).get(reverse("core:home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboards:administrator")
    assert b"Administrator" in response.content
