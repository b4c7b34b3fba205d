"""The notifications policy reaches the rules one way: ``notifications.policy.current()``, typed."""

from notifications import policy, rules


def test_the_council_file_named_in_the_environment_is_merged_over_the_defaults(tmp_path, monkeypatch):
    council = tmp_path / "notifications.yaml"
    council.write_text("email:\n  retry_seconds: 5\nwebhooks:\n  disable_after_failures: 2\n")
    monkeypatch.setenv("CASEWORK_NOTIFICATIONS_POLICY_FILE", str(council))
    current = policy.current()
    assert current.email == rules.EmailPolicy(max_attempts=5, retry_seconds=5.0, digest_at="08:00")
    assert current.webhooks == rules.WebhookPolicy(max_attempts=5, retry_seconds=30.0, disable_after_failures=2)
    assert current.tasks == policy.load().tasks


def test_without_a_council_file_the_packaged_defaults_apply(monkeypatch):
    monkeypatch.delenv("CASEWORK_NOTIFICATIONS_POLICY_FILE", raising=False)
    monkeypatch.delenv("CASEWORK_POLICY_FILE", raising=False)
    assert policy.current() == policy.load()
    assert policy.current().email == rules.EmailPolicy()
