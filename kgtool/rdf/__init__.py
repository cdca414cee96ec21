"""RDF below the engines: loading and serialising (:mod:`kgtool.rdf.load`), Turtle text read
and written one way (:mod:`kgtool.rdf.turtle`), and SPARQL text handling (:mod:`kgtool.rdf.sparql`)."""
