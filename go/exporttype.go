package kiln

// ExportType is one export of a module: its name and type.
type ExportType struct {
	name string
	ty   *ExternType
}

// NewExportType returns the export name of type ty.
func NewExportType(name string, ty AsExternType) *ExportType {
	return &ExportType{name: name, ty: ty.AsExternType()}
}

// Name returns the export's name.
func (ty *ExportType) Name() string { return ty.name }

// Type returns the export's type.
func (ty *ExportType) Type() *ExternType { return ty.ty }

// Close does nothing: an ExportType holds no native resources.
func (ty *ExportType) Close() {}
