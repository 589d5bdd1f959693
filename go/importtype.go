package kiln

// ImportType is one import of a module: its module name, name and type.
type ImportType struct {
	module string
	name   string
	ty     *ExternType
}

// NewImportType returns the import module.name of type ty.
func NewImportType(module, name string, ty AsExternType) *ImportType {
	return &ImportType{module: module, name: name, ty: ty.AsExternType()}
}

// Module returns the name of the module imported from.
func (ty *ImportType) Module() string { return ty.module }

// Name returns the import's name (never nil in core wasm).
func (ty *ImportType) Name() *string {
	name := ty.name
	return &name
}

// Type returns the import's type.
func (ty *ImportType) Type() *ExternType { return ty.ty }

// Close does nothing: an ImportType holds no native resources.
func (ty *ImportType) Close() {}
