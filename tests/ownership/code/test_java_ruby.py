"""Java (JDBC strings, text blocks, JPA, JPQL, Spring Data) and Ruby (heredocs, Active Record)."""

from __future__ import annotations

from collections.abc import Callable

from ownership.code.java import read_java
from ownership.code.ruby import read_ruby

Uses = Callable[[dict[str, str | bytes]], set[tuple[str, str, str]]]

JDBC = '''
package shop;
class OrderDao {
  static final String ALL = """
      SELECT o.id, c.name
      FROM orders o JOIN customers c ON c.id = o.customer_id
      """;
  void save(Order o) {
    jdbc.update("INSERT INTO orders (id, total) VALUES (?, ?)", o.id, o.total);
    jdbc.update("UPDATE stock SET n = n - 1 " +
                "WHERE sku = ?", o.sku);
    em.createNativeQuery("DELETE FROM carts WHERE id = :id").executeUpdate();
    String label = "Select an order";
  }
}
'''


def test_jdbc_strings_and_text_blocks() -> None:
    facts = read_java(JDBC.encode(), "src/OrderDao.java")
    assert sorted((f.table, f.access, f.how, f.line) for f in facts.found) == [
        ("carts", "write", "sql", 12),
        ("customers", "read", "sql", 4),
        ("orders", "read", "sql", 4),
        ("orders", "write", "sql", 9),
        ("stock", "write", "sql", 10),
    ]
    assert facts.diagnostics == []


ENTITIES = """
package shop;
@Entity
@Table(name = "customers", schema = "crm")
public class Customer { @Id Long id; }

@Entity(name = "Purchase")
public class PurchaseOrder {}

@Entity
public class LineItem {}

@Table("audit_events")
public class AuditEvent {}

@Document(collection = "clicks")
public class Click {}

public class PlainDto {}
"""
REPOSITORIES = """
package shop;
public interface CustomerRepository extends JpaRepository<Customer, Long> {
  @Query("SELECT c FROM Customer c WHERE c.email = :email")
  Customer byEmail(String email);
  @Query(value = "SELECT * FROM crm.customers WHERE vip", nativeQuery = true)
  List<Customer> vips();
  @Modifying @Query("UPDATE Purchase p SET p.state = 'X' WHERE p.id = ?1")
  int close(long id);
}
interface ClickRepository extends MongoRepository<Click, String> {}
interface LineItemRepository extends CrudRepository<LineItem, Long> {}
"""
SERVICE = """
package shop;
@Service
class CustomerService {
  private final CustomerRepository customers;
  @Autowired private LineItemRepository lineItems;
  CustomerService(CustomerRepository customers, ClickRepository clicks) {
    this.customers = customers;
    clicks.deleteByUserId(1L);
  }
  void f(EntityManager em) {
    this.customers.save(new Customer());
    lineItems.findByOrderId(1L);
    em.persist(new AuditEvent());
    em.find(LineItem.class, 1L);
    PurchaseOrder p = new PurchaseOrder();
    em.remove(p);
    em.createQuery("DELETE FROM LineItem l WHERE l.id = 1").executeUpdate();
    customers.toString();
  }
}
"""


def test_jpa_entities_repositories_and_jpql(uses_of: Uses) -> None:
    files: dict[str, str | bytes] = {
        "shop/pom.xml": "<project/>",
        "shop/src/main/java/shop/Entities.java": ENTITIES,
        "shop/src/main/java/shop/Repositories.java": REPOSITORIES,
        "shop/src/main/java/shop/CustomerService.java": SERVICE,
    }
    assert uses_of(files) == {
        ("crm.customers", "write", "jpa"),
        ("crm.customers", "read", "jpa"),
        ("crm.customers", "read", "sql"),
        ("purchase", "write", "jpa"),
        ("line_item", "write", "jpa"),
        ("line_item", "read", "jpa"),
        ("audit_events", "write", "jpa"),
        ("clicks", "write", "mongodb"),
    }


def test_jpql_is_not_read_as_sql() -> None:
    facts = read_java(REPOSITORIES.encode(), "R.java")
    assert [f.table for f in facts.found] == ["crm.customers"]
    assert sorted((r.name, r.access) for r in facts.refs if r.how == "jpa") == [
        ("customer", "read"),
        ("purchase", "write"),
    ]


RAILS_MODELS = """
class ApplicationRecord < ActiveRecord::Base
  self.abstract_class = true
end
class User < ApplicationRecord
  has_many :posts
end
class Person < ApplicationRecord
  self.table_name = "humans"
end
module Billing
  class LineItem < ApplicationRecord; end
end
class Admin < User
end
class LegacyRecord < ActiveRecord::Base
  self.abstract_class = true
end
class Ticket < LegacyRecord
end
class Service
end
"""
RAILS_USES = """
class SignupJob
  def perform(name)
    User.create!(name: name)
    Admin.where(active: true).update_all(active: false)
    Billing::LineItem.find_by(id: 1)
    Person.destroy_all
    Service.new.call
    ActiveRecord::Base.connection.execute(<<~SQL)
      INSERT INTO audit (name) VALUES ('#{name}')
    SQL
    User.find_by_sql("SELECT * FROM users WHERE name = " + name)
    Ticket.upsert_all([])
  end
end
"""


def test_rails_models_calls_and_heredocs(uses_of: Uses) -> None:
    assert uses_of({"app/models/all.rb": RAILS_MODELS, "app/jobs/signup_job.rb": RAILS_USES}) == {
        ("users", "write", "rails"),
        ("humans", "write", "rails"),
        ("line_items", "write", "rails"),
        ("tickets", "write", "rails"),
        ("users", "read", "rails"),
        ("line_items", "read", "rails"),
        ("audit", "write", "sql"),
        ("users", "read", "sql"),
    }


def test_ruby_heredoc_line_and_syntax_error() -> None:
    facts = read_ruby(RAILS_USES.encode(), "job.rb")
    assert [(f.table, f.line) for f in facts.found if f.table == "audit"] == [("audit", 9)]
    facts = read_ruby(b"class A\n  def f(\nend\n", "bad.rb")
    assert [(d.code, d.path) for d in facts.diagnostics] == [("parse-error", "bad.rb")]
