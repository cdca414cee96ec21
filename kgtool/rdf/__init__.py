"""RDF below the features: loading and serialising (:mod:`kgtool.rdf.load`), and Turtle text
read and written one way (:mod:`kgtool.rdf.turtle`)."""
