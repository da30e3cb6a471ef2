"""The contract generator: reads shared/reference and writes the generated modules and wsdl/."""
