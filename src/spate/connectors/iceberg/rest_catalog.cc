#include "spate/connectors/iceberg/catalog.h"

namespace spate::iceberg {

namespace {

class RestCatalog final : public IcebergCatalog {
 public:
  RestCatalog(std::string name, std::string uri) : IcebergCatalog(std::move(name)), uri_(std::move(uri)) {}
  arrow::Result<std::optional<LoadedTable>> LoadTable(const TableIdent&) override { return Unsupported(); }
  arrow::Result<LoadedTable> CreateTable(const TableIdent&, TableMetadata) override { return Unsupported(); }
  arrow::Result<bool> CommitTable(const TableIdent&, const LoadedTable&, TableMetadata) override {
    return Unsupported();
  }
  arrow::Result<bool> DropTable(const TableIdent&) override { return Unsupported(); }
  arrow::Result<std::vector<std::string>> ListTables(const std::vector<std::string>&) override {
    return Unsupported();
  }

 private:
  arrow::Status Unsupported() const { return arrow::Status::NotImplemented("REST catalog at ", uri_); }
  std::string uri_;
};

}  // namespace

std::shared_ptr<IcebergCatalog> MakeRestCatalog(const std::string& name, const std::string& uri,
                                                const std::map<std::string, std::string>&) {
  return std::make_shared<RestCatalog>(name, uri);
}

}  // namespace spate::iceberg
