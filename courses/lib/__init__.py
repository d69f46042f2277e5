"""Pure calculations and formats: no model, no service, no page imports them the other way round.

Each module takes plain values (or objects shaped like the models, named for type checking only)
and returns plain values, so it is tested without a database: the GIFT parser, the certificate
PDF and credential, the certificate's frozen snapshot, scoring, the item statistics maths, the
lesson outline, Markdown text, video links, charts and CSV."""
