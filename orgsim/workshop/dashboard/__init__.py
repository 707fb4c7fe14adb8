"""The workshop dashboard: one or two operating models run side by side in a browser.

`orgsim workshop` checks its input (`settings`), then serves `app` with
`solara run` (`server`). The page is Mesa's SolaraViz around `model.Workshop`,
which steps live runs (`feeds.LiveFeed`) or recorded ones (`feeds.ReplayFeed`)
a week at a time; `tracker` keeps their running figures, `levers` changes the
plans on reset, and `components` draws the panels with `orgsim.plots.live`.
`decisions` checks a change the room makes during play as a timeline entry
would be checked, and `decide` is the panel where the room makes it.

Importing this package imports nothing heavy; Mesa and Solara come with `app`.
"""
