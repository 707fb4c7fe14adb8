"""The workshop dashboard: one or two operating models run side by side in a browser.

`orgsim workshop` checks its input (`settings`), then serves `app` with
`solara run` (`server`). Every browser page gets its own `session.Session`
around a `model.Workshop`, which steps live runs (`feeds.LiveFeed`) or
recorded ones (`feeds.ReplayFeed`) a week at a time; `tracker` keeps their
running figures, `levers` changes the plans on reset, and `components` and
`charts` draw the panels as HTML. `decisions` checks a change the room makes
during play as a timeline entry would be checked, `inputs` checks the numbers
typed for it, and `decide` is the panel where the room makes it. `save` writes
a session as scenario files and run folders; `band` runs other seeds.

Importing this package imports nothing heavy; Mesa and Solara come with `app`.
"""
