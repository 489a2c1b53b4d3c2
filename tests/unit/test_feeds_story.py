"""Near-duplicate stories: MinHash over word shingles of the normalised headline + lead."""
from producers import story

LEAD = ("Police in the capital detained opposition leader Maria Okonjo early on Tuesday, her party said, "
        "hours after she called for protests against the disputed election result. A spokesman for the "
        "interior ministry confirmed the arrest and said she would appear in court on Wednesday.")


def fp(headline, body=LEAD):
    return story.fingerprint(headline, body)


def test_reissue_prefixes_are_stripped():
    assert story.strip_reissue("UPDATE 2-Court jails leader") == "Court jails leader"
    assert story.strip_reissue("REFILE-UPDATE 1-Court jails leader") == "Court jails leader"
    assert story.strip_reissue("WRAPUP 3-Court jails leader") == "Court jails leader"
    assert story.strip_reissue("Court jails leader") == "Court jails leader"


def test_same_story_slightly_different_headline_is_similar():
    a = fp("Opposition leader Okonjo detained in capital")
    b = fp("UPDATE 1-Opposition leader Maria Okonjo detained by police")
    assert story.similarity(a.signature, b.signature) >= story.SIMILARITY
    assert set(a.bands) & set(b.bands), "no shared LSH band: they would never be compared"
    cand = story.Candidate("rss-a", "story-rss-a", a.signature)
    assert story.choose_story(b, [cand])[0] == "story-rss-a"


def test_different_stories_sharing_a_dateline_are_not_joined():
    a = fp("Opposition leader Okonjo detained", "LAGOS (Reuters) - " + LEAD)
    b = fp("Lagos port reopens after floods",
           "LAGOS (Reuters) - The main container port reopened on Tuesday after a week of floods closed "
           "its access roads, the port authority said, and shipping lines began clearing a backlog of "
           "vessels waiting offshore.")
    assert story.similarity(a.signature, b.signature) < 0.2
    assert story.choose_story(b, [story.Candidate("x", "story-x", a.signature)])[0] is None


def test_signatures_are_stable_across_processes():
    # fixed permutations: a signature persisted yesterday must still compare today
    assert story.fingerprint("Court jails leader", "A court jailed the leader.").signature[:3] == \
        story.fingerprint("Court jails leader", "A court jailed the leader.").signature[:3]
    sig = fp("x y z w").signature
    assert story.unpack(story.pack(sig)) == sig
    assert all(0 <= k < 2**63 for k in story.band_keys(sig))


def test_too_little_text_never_clusters():
    tiny = story.fingerprint("Example item", "")
    assert not tiny.clusterable
    assert story.choose_story(tiny, [story.Candidate("x", "story-x", tiny.signature)]) == (None, 0.0)
