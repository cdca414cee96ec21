"""RDF below the engines: reading and writing RDF text, and SPARQL text handling."""
